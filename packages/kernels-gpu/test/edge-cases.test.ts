// Edge cases of the elementwise kernels in gpu.js's webasm mode (Node) against the cpu backend.
import { beforeAll, describe } from 'vitest';
import { initGpu } from '@seqlab/kernels-gpu';
import { edgeCaseTests } from './edge-cases.js';

beforeAll(async () => {
  await initGpu({ mode: 'webasm' });
});

describe('elementwise edge cases in webasm mode', () => edgeCaseTests());
