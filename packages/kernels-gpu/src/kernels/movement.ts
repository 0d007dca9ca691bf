// gpu kernels for data movement (transpose, expand, slice, concat, pad, flip, triangle); int32 and bool on the host.
import { sizeOf, type Kernels, type TensorInfo } from '@seqlab/tensor-core';
import { copyFloat } from '../program.js';
import { releaseFloat, type GpuFloat } from '../storage.js';
import { cpuKernel } from './elementwise.js';
import { filled, runSource } from './launch.js';
import {
  CONCAT_GROUP,
  concatProgram,
  expandView,
  flipView,
  padProgram,
  sliceView,
  transposeView,
  triangleProgram,
  viewProgram,
  type StridedView,
} from './movement-source.js';

/** Copies a strided view of float32 `x` into a new storage. */
function view(op: string, x: TensorInfo, v: StridedView): GpuFloat {
  const program = viewProgram(v);
  return program.size === 0 ? filled(op, 0, 0) : runSource(op, program, [x.handle as GpuFloat]);
}

/**
 * Concatenation of float32 inputs in passes of at most {@link CONCAT_GROUP} textures: each pass after the first also
 * reads the previous pass's output and keeps what it wrote. Empty inputs take no part.
 */
function concatFloat(xs: readonly TensorInfo[], axis: number, outShape: readonly number[]): GpuFloat {
  const parts = xs.filter((t) => t.size > 0);
  if (parts.length === 0) return filled('concat', sizeOf(outShape), 0);
  if (parts.length === 1) return copyFloat('concat', parts[0].handle as GpuFloat);
  let prev: GpuFloat | undefined;
  let start = 0;
  for (let i = 0; i < parts.length;) {
    const group = parts.slice(i, i + (prev === undefined ? CONCAT_GROUP : CONCAT_GROUP - 1));
    const lengths = group.map((t) => t.shape[axis]);
    const args = group.map((t) => t.handle as GpuFloat);
    const next = runSource('concat', concatProgram(outShape, axis, lengths, start, prev !== undefined), prev === undefined ? args : [...args, prev]);
    if (prev !== undefined) releaseFloat(prev);
    prev = next;
    start += lengths.reduce((acc, n) => acc + n, 0);
    i += group.length;
  }
  return prev!;
}

/**
 * The gpu backend's movement kernels.
 *
 * @example
 * ```ts
 * const t = movementKernels.transpose(x, [1, 0]);
 * ```
 */
export const movementKernels = {
  transpose: (x, perm) => (x.dtype === 'float32' ? view('transpose', x, transposeView(x.shape, perm)) : cpuKernel('transpose')(x, perm)),
  expand: (x, shape) => (x.dtype === 'float32' ? view('expand', x, expandView(x.shape, shape)) : cpuKernel('expand')(x, shape)),
  slice: (x, begin, size) => (x.dtype === 'float32' ? view('slice', x, sliceView(x.shape, begin, size)) : cpuKernel('slice')(x, begin, size)),
  flip: (x, axes) => (x.dtype === 'float32' ? view('flip', x, flipView(x.shape, axes)) : cpuKernel('flip')(x, axes)),
  concat: (xs, axis, outShape) => (xs[0].dtype === 'float32' ? concatFloat(xs, axis, outShape) : cpuKernel('concat')(xs, axis, outShape)),
  pad(x, pads, value) {
    if (x.dtype !== 'float32') return cpuKernel('pad')(x, pads, value);
    const program = padProgram(x.shape, pads);
    // Nothing to read: every element is the fill value.
    if (x.size === 0) return filled('pad', program.size, value);
    return runSource('pad', program, [x.handle as GpuFloat, value]);
  },
  triangle(x, k, upper) {
    if (x.dtype !== 'float32') return cpuKernel('triangle')(x, k, upper);
    if (x.size === 0) return filled('triangle', 0, 0);
    return runSource(upper ? 'triu' : 'tril', triangleProgram(x.shape, k, upper), [x.handle as GpuFloat]);
  },
} satisfies Pick<Kernels, 'transpose' | 'expand' | 'slice' | 'concat' | 'pad' | 'flip' | 'triangle'>;
