import {
  Generator, add, decodeSafetensors, encodeSafetensors, matmul, mean, randn, softmax, tensor, where, greater,
} from '@seqlab/tensor-core';

// Tensors are immutable values with a shape and a dtype.
const x = tensor([[1, 2, 3], [4, 5, 6]]);           // float32 [2, 3]
const bias = tensor([0.5, -0.5, 0]);                 // broadcasts over rows
const y = add(x, bias);

// Randomness always comes from an explicit seeded generator: same seed, same numbers, on every backend.
const w = randn([3, 4], { generator: new Generator(42) });
const probs = softmax(matmul(y, w), -1);             // [2, 4], rows sum to 1

console.log(probs.toString());
console.log('row means:', mean(probs, -1).toArray());
console.log('relu(x - 3):', where(greater(x, 3), add(x, -3), 0).toArray());

// Named tensors round-trip through safetensors, the format PyTorch checkpoints use.
const bytes = encodeSafetensors({ weight: w }, { note: 'demo' });
const { tensors, metadata } = decodeSafetensors(bytes);
console.log(metadata.note, tensors.weight.shape);

export { probs, tensors, x };
