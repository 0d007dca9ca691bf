// CPU kernels: reduce.
import type { Kernels } from '../backend.js';

/** CPU reduce kernels. */
export const reduceKernels: Partial<Kernels> = {};
