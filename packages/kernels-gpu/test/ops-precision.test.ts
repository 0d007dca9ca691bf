// The precision regression tests of the gpu reduction, softmax, matmul and indexing kernels in gpu.js's webasm mode
// (Node: true float32 arithmetic, as on a GPU); ops-precision.browser.test.ts runs the same tests on WebGL2.
import { beforeAll, describe, expect, it } from 'vitest';
import { backendInfo, initGpu } from '@seqlab/kernels-gpu';
import { opsPrecisionSuite } from './ops-precision.js';

beforeAll(async () => {
  await initGpu({ mode: 'webasm' });
});

describe('gpu backend in webasm mode', () => {
  it('runs its kernels in webasm', () => expect(backendInfo().kernelMode).toBe('webasm'));
  opsPrecisionSuite();
});
