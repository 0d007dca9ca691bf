// Kernel sources for gather, scatter-add (as a gather over the indices that hit each output row) and one-hot.
import { boundedLoop, program, unravel, type KernelProgram } from './kernel-source.js';

/**
 * `out[a, j, c] = x[a, indices[j], c]` over x as `[outer, dim, inner]`; arguments `x`, `indices` (float-held ints).
 *
 * @example
 * ```ts
 * const p = gatherProgram(1, 10, 4, 3); // rows indices[0..3) of a [10, 4] table
 * ```
 */
export function gatherProgram(outer: number, dim: number, inner: number, count: number): KernelProgram {
  const body = `${unravel('this.thread.x', ['a', 'j', 'c'], ['countInner', 'inner'])}\nreturn x[(a * dim + indices[j]) * inner + c];`;
  return program('gather', ['x', 'indices'], { countInner: count * inner, inner, dim }, body, outer * count * inner);
}

/**
 * Scatter-add as a gather: the output row `d` of x (as `[outer, dim, inner]`) adds, in index order, the update rows
 * `order[start[d]] … order[start[d+1] - 1]`, the positions j with `indices[j] = d`, so duplicates sum in the same
 * order as the cpu backend's loop. `maxHits` bounds the loop (the caller rounds it up to a power of two, so few
 * variants compile). Arguments `x`, `updates` (`[outer, count, inner]`), `start` (dim + 1 entries), `order` (count).
 *
 * @example
 * ```ts
 * const p = scatterAddProgram(1, 10, 4, 6, 2); // 6 update rows into a [10, 4] table, at most 2 per row
 * ```
 */
export function scatterAddProgram(outer: number, dim: number, inner: number, count: number, maxHits: number): KernelProgram {
  const lines = [
    unravel('this.thread.x', ['a', 'd', 'c'], ['dimInner', 'inner']),
    'let acc = x[this.thread.x];',
    'const first = start[d];',
    boundedLoop('h', maxHits, 'start[d + 1] - first', 'acc = acc + updates[(a * count + order[first + h]) * inner + c];'),
    'return acc;',
  ];
  return program(`scatterAdd|${maxHits}`, ['x', 'updates', 'start', 'order'], { dimInner: dim * inner, inner, count }, lines.join('\n'), outer * dim * inner);
}

/**
 * Row `i` of the `[count, depth]` output is 1 at column `indices[i]` and 0 elsewhere; argument `indices`.
 *
 * @example
 * ```ts
 * const p = oneHotProgram(5, 3); // p.size === 15
 * ```
 */
export function oneHotProgram(count: number, depth: number): KernelProgram {
  const body = `${unravel('this.thread.x', ['i', 'c'], ['depth'])}\nif (indices[i] === c) { return 1; }\nreturn 0;`;
  return program('oneHot', ['indices'], { depth }, body, count * depth);
}
