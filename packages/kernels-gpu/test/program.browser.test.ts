// The program helper on WebGL2 in headless Chromium: add end to end, and the compile cache.
import { beforeAll, describe } from 'vitest';
import { initGpu } from '@seqlab/kernels-gpu';
import { programTests } from './program-cases.js';

beforeAll(async () => {
  await initGpu();
});

describe('runProgram in webgl2 mode', () => programTests('gpu'));
