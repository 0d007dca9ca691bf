// The gpu backend's fused kernels in gpu.js's webasm mode in Node (the CPU mode for correctness tests): see fused-kernels.ts,
// plus the recurrent kernels against naive references and finite differences (the browser runs those in backend-suites).
import { beforeAll, describe } from 'vitest';
import { initGpu } from '@seqlab/kernels-gpu';
import { fusedRecurrentSuite } from '@seqlab/test-utils/suites';
import { fusedKernelsSuite } from './fused-kernels.js';

beforeAll(async () => {
  await initGpu({ mode: 'webasm' });
});

describe('gpu fused kernels (webasm)', () => {
  fusedKernelsSuite('webasm');
  describe('LSTM/GRU sequence kernels', () => fusedRecurrentSuite('gpu'));
});
