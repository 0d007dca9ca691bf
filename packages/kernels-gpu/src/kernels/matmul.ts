// gpu kernel for batched matmul: transposes and batch broadcasting by index math, split-K for long contractions.
import { sizeOf, type Kernels } from '@seqlab/tensor-core';
import { releaseFloat, type GpuFloat } from '../storage.js';
import { filled, runSource } from './launch.js';
import { runtime } from '../context.js';
import { matmulPackedProgram, matmulPartialsProgram, matmulProgram, matmulShape, MAX_DOT, packedMatmulFits } from './matmul-source.js';
import { reduceAlong } from './reduce.js';

/**
 * The gpu backend's matmul kernel (float32: the only float dtype it stores, and matmul takes floats only).
 *
 * @example
 * ```ts
 * const c = matmulKernels.matmul(a, b, false, true, [3, 5]);
 * ```
 */
export const matmulKernels = {
  matmul(a, b, transA, transB, outShape) {
    const size = sizeOf(outShape);
    const s = matmulShape(a.shape, b.shape, transA, transB, outShape);
    if (size === 0 || s.k === 0) return filled('matmul', size, 0);
    const args = [a.handle as GpuFloat, b.handle as GpuFloat];
    // webgl2: four outputs per texel from texel fetches (GLSL); other modes and shapes: the portable program.
    if (runtime('matmul').mode === 'webgl2' && packedMatmulFits(s)) return runSource('matmul', matmulPackedProgram(s), args);
    if (s.k <= MAX_DOT) return runSource('matmul', matmulProgram(s), args);
    // Split-K: equal chunks of at most MAX_DOT terms, their partial products summed by the reduction tree.
    const chunks = Math.ceil(s.k / MAX_DOT);
    const partials = runSource('matmul', matmulPartialsProgram(s, Math.ceil(s.k / chunks)), args);
    const out = reduceAlong('sum', partials, size, chunks, 1, undefined, 'matmul');
    releaseFloat(partials);
    return out;
  },
} satisfies Pick<Kernels, 'matmul'>;
