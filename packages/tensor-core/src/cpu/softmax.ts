// CPU kernels: softmax.
import type { Kernels } from '../backend.js';

/** CPU softmax kernels. */
export const softmaxKernels: Partial<Kernels> = {};
