// Kernel sources for tree reductions over the middle axis of [outer, len, inner]: sum, prod, max, min, the
// exp-sum of softmax, and the arg-reductions, each stage folding windows of the axis into partial results.
import type { ReduceOpName } from '@seqlab/tensor-core';
import { isNaNCode, kernelSource, unravel, type KernelProgram } from './kernel-source.js';

/**
 * Most elements one thread folds in one stage. An axis up to this long is reduced in one pass, one thread per
 * output; a longer one in S = ⌈log_256 len⌉ stages of windows ⌈len^(1/S)⌉ (a √len tree up to 65,536 elements).
 */
export const MAX_WINDOW = 256;

/** Window sizes of the stages that reduce an axis of `len` ≥ 1 elements to one (one entry per kernel pass). */
export function stageWindows(len: number): number[] {
  const windows: number[] = [];
  let remaining = len;
  let stages = Math.max(1, Math.ceil(Math.log(len) / Math.log(MAX_WINDOW) - 1e-9));
  while (stages > 0) {
    const w = stages === 1 ? remaining : Math.ceil(remaining ** (1 / stages) - 1e-9);
    windows.push(w);
    remaining = Math.ceil(remaining / w);
    stages--;
  }
  return windows;
}

/** What a fold stage reads: plain values, or (softmax's first sum stage) `exp(x - shift)` with the row shift. */
export type FoldInput = 'values' | 'expShifted';

/**
 * Statements that fold `count` strided elements into `acc`: sums and products run in ⌈√count⌉ blocks whose partial
 * results are folded in turn, so rounding grows like 2√count rather than count (a float32 running sum of 2^20 × 0.1
 * drifts by 1e-5 relative; this tree keeps it near 1e-7); max and min need no blocking and let the first NaN win.
 * `read(j)` is the source of element j (0-based) of the window; `guard(j)` a condition that it exists, or null.
 */
function foldLoop(op: ReduceOpName, count: number, read: (j: string) => string, guard: (j: string) => string | null): string {
  if (op === 'max' || op === 'min') {
    const better = op === 'max' ? '>' : '<';
    const g = guard('j');
    const body = `const v = ${read('j')};\nif (v ${better} acc || ${isNaNCode('v')}) { acc = v; }`;
    return `let acc = ${read('0')};\nfor (let j = 1; j < ${count}; j++) {\n${g === null ? body : `if (${g}) {\n${body}\n}`}\n}`;
  }
  const combine = op === 'sum' ? '+' : '*';
  const identity = op === 'sum' ? '0' : '1';
  const block = Math.ceil(Math.sqrt(count));
  const blocks = Math.ceil(count / block);
  const g = guard('j');
  const exact = blocks * block === count && g === null;
  const inner = `part = part ${combine} ${read('j')};`;
  return [
    `let acc = ${identity};`,
    `for (let blk = 0; blk < ${blocks}; blk++) {`,
    `let part = ${identity};`,
    `for (let q = 0; q < ${block}; q++) {`,
    `const j = blk * ${block} + q;`,
    exact ? inner : `if (${[`j < ${count}`, ...(g === null ? [] : [g])].join(' && ')}) { ${inner} }`,
    '}',
    `acc = acc ${combine} part;`,
    '}',
  ].join('\n');
}

/**
 * One stage of a reduction: input `[outer, len, inner]` (argument `x`) to `[outer, ⌈len/window⌉, inner]`, each thread
 * folding one window of the axis. With `expShifted`, argument `rowMax` holds the `[outer, inner]` row maxima and the
 * stage sums `exp(x - shift)` (the first stage of softmax's denominator; see {@link shiftCode}).
 */
export function foldStage(op: ReduceOpName, outer: number, len: number, inner: number, window: number, input: FoldInput = 'values'): KernelProgram {
  const parts = Math.ceil(len / window);
  const ragged = parts * window !== len;
  const at = (j: string): string => `x[(a * ${len} + p * ${window} + ${j}) * ${inner} + c]`;
  const read = input === 'values' ? at : (j: string) => `Math.exp(${at(j)} - s)`;
  const guard = ragged ? (j: string) => `p * ${window} + ${j} < ${len}` : () => null;
  const lines = [unravel('this.thread.x', ['a', 'p', 'c'], [outer, parts, inner])];
  if (input === 'expShifted') lines.push(shiftCode(`a * ${inner} + c`));
  lines.push(foldLoop(op, window, read, guard), 'return acc;');
  const params = input === 'values' ? ['x'] : ['x', 'rowMax', 'inf'];
  return {
    key: `fold|${op}|${input}|${outer}|${len}|${inner}|${window}`,
    source: kernelSource(params, lines.join('\n')),
    size: outer * parts * inner,
  };
}

/**
 * One stage of argmax / argmin over `[outer, len, inner]` values (argument `x`). The first stage (`candidates` false)
 * scans windows of the axis; later ones scan windows of the previous stage's winners (argument `best`, shaped
 * `[outer, from, inner]`, holding axis indices) and compare the values they point at. Windows are visited in axis
 * order and only a strictly better value (or the first NaN) replaces the leader, so the first index wins ties.
 */
export function argStage(wantMax: boolean, outer: number, len: number, inner: number, from: number, window: number, candidates: boolean): KernelProgram {
  const parts = Math.ceil(from / window);
  const better = wantMax ? '>' : '<';
  const index = (j: string): string => (candidates ? `best[(a * ${from} + p * ${window} + ${j}) * ${inner} + c]` : `p * ${window} + ${j}`);
  const value = (i: string): string => `x[(a * ${len} + ${i}) * ${inner} + c]`;
  const lines = [
    unravel('this.thread.x', ['a', 'p', 'c'], [outer, parts, inner]),
    `let bi = ${index('0')};`,
    `let bv = ${value('bi')};`,
    `for (let j = 1; j < ${window}; j++) {`,
    `if (p * ${window} + j < ${from}) {`,
    `const i = ${index('j')};`,
    `const v = ${value('i')};`,
    `if (v ${better} bv || (${isNaNCode('v')} && !(${isNaNCode('bv')}))) { bv = v; bi = i; }`,
    '}',
    '}',
    'return bi;',
  ];
  return {
    key: `arg|${wantMax}|${outer}|${len}|${inner}|${from}|${window}|${candidates}`,
    source: kernelSource(candidates ? ['x', 'best'] : ['x'], lines.join('\n')),
    size: outer * parts * inner,
  };
}

/**
 * Declares `s`, softmax's shift for row `row` from argument `rowMax`: the row maximum, or 0 for a row of -Infinity
 * (no finite shift; `exp(-Infinity - 0)` is 0 where `-Infinity - -Infinity` would be NaN). Argument `inf` holds
 * Infinity, so no compiler can fold the comparison away.
 */
function shiftCode(row: string): string {
  return `let s = rowMax[${row}];\nif (s === -inf) { s = 0; }`;
}

/**
 * Softmax's last pass over `[outer, len, inner]`: `exp(x - shift) / sum` or, for log-softmax, `x - shift - log(sum)`
 * (shift first, so a huge shift does not swallow the log-sum), with `rowMax` and `sum` shaped `[outer, inner]`.
 */
export function softmaxOutput(outer: number, len: number, inner: number, logForm: boolean): KernelProgram {
  const lines = [
    unravel('this.thread.x', ['a', 'k', 'c'], [outer, len, inner]),
    `const r = a * ${inner} + c;`,
    shiftCode('r'),
    'const v = x[this.thread.x] - s;',
    logForm ? 'return v - Math.log(sum[r]);' : 'return Math.exp(v) / sum[r];',
  ];
  return {
    key: `softmax|${logForm}|${outer}|${len}|${inner}`,
    source: kernelSource(['x', 'rowMax', 'sum', 'inf'], lines.join('\n')),
    size: outer * len * inner,
  };
}
