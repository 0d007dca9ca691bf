// CPU kernels: movement.
import type { Kernels } from '../backend.js';

/** CPU movement kernels. */
export const movementKernels: Partial<Kernels> = {};
