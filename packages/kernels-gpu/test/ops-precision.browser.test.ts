// The precision regression tests of the gpu reduction, softmax, matmul and indexing kernels on WebGL2 in headless
// Chromium (SwiftShader); ops-precision.test.ts runs the same tests in gpu.js's webasm mode in Node.
import { beforeAll, describe, expect, it } from 'vitest';
import { backendInfo, initGpu } from '@seqlab/kernels-gpu';
import { opsPrecisionSuite } from './ops-precision.js';

beforeAll(async () => {
  await initGpu();
});

describe('gpu backend in webgl2 mode', () => {
  it('runs its kernels as WebGL kernels', () => expect(backendInfo().kernelMode).toBe('gpu'));
  opsPrecisionSuite();
});
