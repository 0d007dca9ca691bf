// A short tour of @seqlab/tensor-core: run with `pnpm demo` after a build.
import { Generator, matmul, randn, softmax, sum, tensor } from '@seqlab/tensor-core';

const g = new Generator(42);
const x = tensor([[1, 2, 3], [4, 5, 6]]);
const w = randn([3, 4], { generator: g });
const logits = matmul(x, w);
console.log('x =', x.toString());
console.log('x · w =', logits.toString());
console.log('softmax over the last axis =', softmax(logits, -1).toString());
console.log('row sums of the softmax =', sum(softmax(logits, -1), -1).toArray());
