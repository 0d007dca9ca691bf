// Kernel sources for gather, scatter-add (as a gather over the indices that hit each output row) and one-hot.
import { kernelSource, unravel, type KernelProgram } from './kernel-source.js';

/** `out[a, j, c] = x[a, indices[j], c]` over x as `[outer, dim, inner]`; arguments `x`, `indices` (float-held ints). */
export function gatherProgram(outer: number, dim: number, inner: number, count: number): KernelProgram {
  const body = `${unravel('this.thread.x', ['a', 'j', 'c'], [outer, count, inner])}\nreturn x[(a * ${dim} + indices[j]) * ${inner} + c];`;
  return { key: `gather|${outer}|${dim}|${inner}|${count}`, source: kernelSource(['x', 'indices'], body), size: outer * count * inner };
}

/**
 * Scatter-add as a gather: the output row `d` of x (as `[outer, dim, inner]`) adds, in index order, the update rows
 * `order[start[d]] … order[start[d+1] - 1]`, the positions j with `indices[j] = d`, so duplicates sum in the same
 * order as the cpu backend's loop. `maxHits` bounds the loop (rounded up by the caller to limit recompiles).
 * Arguments `x`, `updates` (`[outer, count, inner]`), `start` (dim + 1 entries) and `order` (count entries).
 */
export function scatterAddProgram(outer: number, dim: number, inner: number, count: number, maxHits: number): KernelProgram {
  const lines = [
    unravel('this.thread.x', ['a', 'd', 'c'], [outer, dim, inner]),
    'let acc = x[this.thread.x];',
    'const first = start[d];',
    'const end = start[d + 1];',
    `for (let h = 0; h < ${maxHits}; h++) {`,
    'if (first + h < end) {',
    `acc = acc + updates[(a * ${count} + order[first + h]) * ${inner} + c];`,
    '}',
    '}',
    'return acc;',
  ];
  return {
    key: `scatterAdd|${outer}|${dim}|${inner}|${count}|${maxHits}`,
    source: kernelSource(['x', 'updates', 'start', 'order'], lines.join('\n')),
    size: outer * dim * inner,
  };
}

/** Row `i` of the `[count, depth]` output is 1 at column `indices[i]` and 0 elsewhere; argument `indices`. */
export function oneHotProgram(count: number, depth: number): KernelProgram {
  const body = `${unravel('this.thread.x', ['i', 'c'], [count, depth])}\nif (indices[i] === c) { return 1; }\nreturn 0;`;
  return { key: `oneHot|${count}|${depth}`, source: kernelSource(['indices'], body), size: count * depth };
}
