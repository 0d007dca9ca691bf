// wasm kernels for reductions (sum, max, min, prod over sorted axes) and argmax / argmin.
import type { Kernels, ReduceOpName, Shape, TensorInfo } from '@seqlab/tensor-core';
import { allocFor, freeFor, ptr, runtime } from '../context.js';

const REDUCE: Record<ReduceOpName, number> = { sum: 0, max: 1, min: 2, prod: 3 };

function product(shape: Shape, from: number, to: number): number {
  let n = 1;
  for (let d = from; d < to; d++) n *= shape[d];
  return n;
}

// Maximal runs of consecutive axes, e.g. [0, 1, 3] → [[0, 2], [3, 4]] (half-open).
function axisRuns(axes: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const a of axes) {
    const last = runs[runs.length - 1];
    if (last && last[1] === a) last[1] = a + 1;
    else runs.push([a, a + 1]);
  }
  return runs;
}

/** Reduction and arg-reduction kernels. */
export const reduceKernels = {
  reduce(op, x, axes) {
    const rt = runtime();
    const code = REDUCE[op];
    const runs = axisRuns(axes);
    let shape = [...x.shape];
    let src = ptr(x);
    let out = 0;
    // Reduce the last run first: removing it leaves the positions of the earlier runs unchanged.
    for (let r = runs.length - 1; r >= 0; r--) {
      const [start, end] = runs[r];
      const outer = product(shape, 0, start),
        len = product(shape, start, end),
        inner = product(shape, end, shape.length);
      out = allocFor(x.dtype, outer * inner);
      if (x.dtype === 'int32') rt.exports.reduceI32(code, src, out, outer, len, inner);
      else {
        // Column reductions fold rows into an f64 accumulator row.
        const scratch = inner > 1 ? rt.heap.alloc(inner * 8) : 0;
        rt.exports.reduceF32(code, src, out, outer, len, inner, scratch);
        if (scratch !== 0) rt.heap.free(scratch);
      }
      if (src !== ptr(x)) freeFor(src);
      src = out;
      shape = [...shape.slice(0, start), ...shape.slice(end)];
    }
    return out;
  },
  argmax: (x, axis) => argExtreme(x, axis, true),
  argmin: (x, axis) => argExtreme(x, axis, false),
} satisfies Pick<Kernels, 'reduce' | 'argmax' | 'argmin'>;

function argExtreme(x: TensorInfo, axis: number, isMax: boolean): number {
  const outer = product(x.shape, 0, axis),
    len = x.shape[axis],
    inner = product(x.shape, axis + 1, x.shape.length);
  const out = allocFor('int32', outer * inner);
  const rt = runtime();
  if (len === 0) rt.heap.i32.fill(0, out >>> 2, (out >>> 2) + outer * inner);
  else rt.exports.argExtreme(x.dtype === 'int32' ? 0 : 1, isMax ? 1 : 0, ptr(x), out, outer, len, inner);
  return out;
}
