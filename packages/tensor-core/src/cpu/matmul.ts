// CPU kernels: matmul.
import type { Kernels } from '../backend.js';

/** CPU matmul kernels. */
export const matmulKernels: Partial<Kernels> = {};
