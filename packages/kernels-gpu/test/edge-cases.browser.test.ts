// Edge cases of the elementwise kernels on WebGL2 (SwiftShader) against the cpu backend, and the denormal flush.
import { beforeAll, describe, expect, it } from 'vitest';
import { exp, tensor } from '@seqlab/tensor-core';
import { initGpu } from '@seqlab/kernels-gpu';
import { edgeCaseTests } from './edge-cases.js';

beforeAll(async () => {
  await initGpu();
});

describe('elementwise edge cases on WebGL2', () => {
  edgeCaseTests();

  it('flushes denormals to zero, which cpu keeps (why the suites never expect them)', () => {
    expect(Array.from(exp(tensor([-100], undefined, { backend: 'gpu' })).dataSync())).toEqual([0]);
    expect(exp(tensor([-100], undefined, { backend: 'cpu' })).dataSync()[0]).toBeGreaterThan(0);
  });
});
