// CPU kernels: indexing.
import type { Kernels } from '../backend.js';

/** CPU indexing kernels. */
export const indexingKernels: Partial<Kernels> = {};
