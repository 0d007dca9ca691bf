// Index math on WebGL2 (SwiftShader): exact broadcasting at large flat indices.
import { beforeAll, describe } from 'vitest';
import { initGpu } from '@seqlab/kernels-gpu';
import { indexMathTests } from './index-math.js';

beforeAll(async () => {
  await initGpu();
});

describe('index math on WebGL2', () => indexMathTests());
