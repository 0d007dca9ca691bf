// The program helper in gpu.js's webasm mode (Node): add end to end, and the compile cache.
import { beforeAll, describe } from 'vitest';
import { initGpu } from '@seqlab/kernels-gpu';
import { programTests } from './program-cases.js';

beforeAll(async () => {
  await initGpu({ mode: 'webasm' });
});

describe('runProgram in webasm mode', () => programTests('webasm'));
