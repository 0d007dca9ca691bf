// CPU kernels: gelu.
import type { Kernels } from '../backend.js';

/** CPU gelu kernels. */
export const geluKernels: Partial<Kernels> = {};
