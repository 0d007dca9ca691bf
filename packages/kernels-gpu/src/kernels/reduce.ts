// gpu kernels for reductions (sum, prod, max, min over sorted axes; argmax, argmin) as multi-stage trees; int32 on the host.
import { coalesceReduction, type Kernels, type ReduceOpName, type TensorInfo } from '@seqlab/tensor-core';
import { copyFloat } from '../program.js';
import { readFloat, releaseFloat, type GpuFloat } from '../storage.js';
import { cpuKernel } from './elementwise.js';
import { aroundAxis, productOf } from './kernel-source.js';
import { filled, releaseUnless, runSource } from './launch.js';
import { argStage, foldStage, stageWindows } from './reduce-source.js';

/**
 * Folds the middle axis of `x` seen as `[outer, len, inner]` (len ≥ 1) with `op`, in the stages of
 * {@link stageWindows}; each stage's partial results feed the next and are released after it. Given the row maxima
 * `rowMax` (`[outer, inner]`), the first stage sums `exp(x - shift)` instead (softmax's denominator); `name` is the
 * public op named in errors.
 *
 * @example
 * ```ts
 * const rowSums = reduceAlong('sum', x.handle as GpuFloat, 4, 1000, 1); // [4, 1000] → [4]
 * ```
 */
export function reduceAlong(op: ReduceOpName, x: GpuFloat, outer: number, len: number, inner: number, rowMax?: GpuFloat, name: string = op): GpuFloat {
  let current = x;
  let remaining = len;
  for (const [s, window] of stageWindows(len).entries()) {
    const first = s === 0 && rowMax !== undefined;
    const program = foldStage(op, outer, remaining, inner, window, first ? 'expShifted' : 'values');
    const next = runSource(name, program, first ? [current, rowMax, Infinity] : [current]);
    releaseUnless(current, x);
    current = next;
    remaining = Math.ceil(remaining / window);
  }
  return current;
}

/**
 * Reduces float32 `x` over `axes`: one tree ({@link reduceAlong}) per run of reduced dims, the last run first (removing
 * it leaves the earlier runs where they were). An empty reduced extent gives the op's identity.
 */
function reduceFloat(op: ReduceOpName, x: TensorInfo, axes: readonly number[]): GpuFloat {
  const handle = x.handle as GpuFloat;
  let outSize = 1;
  for (let d = 0; d < x.shape.length; d++) if (!axes.includes(d)) outSize *= x.shape[d];
  if (outSize === 0) return filled(op, 0, 0);
  if (x.size === 0) return filled(op, outSize, op === 'prod' ? 1 : 0);
  const { dims, reduced } = coalesceReduction(x.shape, axes);
  let current = handle;
  for (let r = dims.length - 1; r >= 0; r--) {
    if (!reduced[r]) continue;
    const next = reduceAlong(op, current, productOf(dims, 0, r), dims[r], productOf(dims, r + 1));
    releaseUnless(current, handle);
    current = next;
    dims.splice(r, 1);
  }
  // Every reduced dim had size 1: the result is a copy (a new storage, as the contract asks).
  return current === handle ? copyFloat(op, handle) : current;
}

/**
 * argmax / argmin of float32 `x` along `axis` as a tree over the axis: the first stage picks each window's leader,
 * later stages pick among leaders by the values they point at. The indices (exact in float32 below 2^24) are read
 * back into the int32 host array that int32 tensors live in.
 */
function argBest(x: TensorInfo, axis: number, wantMax: boolean): Int32Array {
  const [outer, len, inner] = aroundAxis(x.shape, axis);
  const out = new Int32Array(outer * inner);
  if (out.length === 0 || len === 1) return out;
  const op = wantMax ? 'argmax' : 'argmin';
  const handle = x.handle as GpuFloat;
  let best: GpuFloat | undefined;
  let from = len;
  for (const window of stageWindows(len)) {
    const program = argStage(wantMax, outer, len, inner, from, window, best !== undefined);
    const next = runSource(op, program, best === undefined ? [handle] : [handle, best]);
    if (best !== undefined) releaseFloat(best);
    best = next;
    from = Math.ceil(from / window);
  }
  out.set(readFloat(op, best!));
  releaseFloat(best!);
  return out;
}

/**
 * The gpu backend's reduction kernels.
 *
 * @example
 * ```ts
 * const total = reduceKernels.reduce('sum', x, [0, 1]);
 * ```
 */
export const reduceKernels = {
  reduce: (op, x, axes) => (x.dtype === 'float32' ? reduceFloat(op, x, axes) : cpuKernel('reduce')(op, x, axes)),
  argmax: (x, axis) => (x.dtype === 'float32' ? argBest(x, axis, true) : cpuKernel('argmax')(x, axis)),
  argmin: (x, axis) => (x.dtype === 'float32' ? argBest(x, axis, false) : cpuKernel('argmin')(x, axis)),
} satisfies Pick<Kernels, 'reduce' | 'argmax' | 'argmin'>;
