// The gpu backend's fused kernels in gpu.js's WebGL2 mode in headless Chromium (SwiftShader): see fused-kernels.ts.
import { beforeAll, describe } from 'vitest';
import { initGpu } from '@seqlab/kernels-gpu';
import { fusedKernelsSuite } from './fused-kernels.js';

beforeAll(async () => {
  await initGpu();
});

describe('gpu fused kernels (WebGL2)', () => fusedKernelsSuite('gpu'));
