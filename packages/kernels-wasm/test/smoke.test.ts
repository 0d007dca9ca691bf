import { describe, expect, it } from 'vitest';
import { add, matmul, tensor, getBackend, softmax, sum, exp } from '@seqlab/tensor-core';
import '@seqlab/kernels-wasm';

describe('wasm smoke', () => {
  it('is active and computes', () => {
    expect(getBackend().name).toBe('wasm');
    const a = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(a.backendName).toBe('wasm');
    expect(add(a, tensor([10, 20, 30])).toArray()).toEqual([[11, 22, 33], [14, 25, 36]]);
    expect(matmul(a, tensor([[1], [1], [1]])).toArray()).toEqual([[6], [15]]);
    console.log(softmax(a).toArray(), sum(a).item(), exp(a).toArray());
  });
});
