import { beforeAll, describe } from 'vitest';
import { initGpu } from '@seqlab/kernels-gpu';
import { fusedRecurrentSuite } from '@seqlab/test-utils/suites';

beforeAll(async () => {
  await initGpu({ mode: 'webasm' });
});
describe('gpu fused recurrent (webasm)', () => fusedRecurrentSuite('gpu'));
