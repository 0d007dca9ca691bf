// Index math in gpu.js's webasm mode (Node): exact broadcasting at large flat indices.
import { beforeAll, describe } from 'vitest';
import { initGpu } from '@seqlab/kernels-gpu';
import { indexMathTests } from './index-math.js';

beforeAll(async () => {
  await initGpu({ mode: 'webasm' });
});

describe('index math in webasm mode', () => indexMathTests());
