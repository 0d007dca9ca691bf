import { beforeAll, describe } from 'vitest';
import { initGpu } from '@seqlab/kernels-gpu';
import { fusedRecurrentSuite } from '../../test-utils/src/suite/fused-recurrent.js';

beforeAll(async () => {
  await initGpu();
});
describe('gpu fused recurrent (webgl2)', () => fusedRecurrentSuite('gpu'));
