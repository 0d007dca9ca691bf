// The gpu backend's fused kernels in gpu.js's webasm mode in Node (the CPU mode for correctness tests): see fused-kernels.ts.
import { beforeAll, describe } from 'vitest';
import { initGpu } from '@seqlab/kernels-gpu';
import { fusedKernelsSuite } from './fused-kernels.js';

beforeAll(async () => {
  await initGpu({ mode: 'webasm' });
});

describe('gpu fused kernels (webasm)', () => fusedKernelsSuite('webasm'));
