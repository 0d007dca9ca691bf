// CPU kernels: cast.
import type { Kernels } from '../backend.js';

/** CPU cast kernels. */
export const castKernels: Partial<Kernels> = {};
