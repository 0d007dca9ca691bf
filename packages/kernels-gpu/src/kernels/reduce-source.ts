// Kernel sources for tree reductions over the middle axis of [outer, len, inner]: sum, prod, max, min, the
// exp-sum of softmax, and the arg-reductions, each stage folding windows of the axis into partial results.
import type { ReduceOpName } from '@seqlab/tensor-core';
import { boundedLoop, isNaNCode, program, unravel, type KernelProgram } from './kernel-source.js';

/**
 * Most elements one thread folds in one stage. An axis up to this long is reduced in one pass, one thread per
 * output; a longer one in S = ⌈log_256 len⌉ stages of windows ⌈len^(1/S)⌉ (a √len tree up to 65,536 elements).
 *
 * @example
 * ```ts
 * console.assert(Math.max(...stageWindows(1000)) <= MAX_WINDOW);
 * ```
 */
export const MAX_WINDOW = 256;

/** Sums and products fold a window in blocks of at most this many elements (⌈√window⌉ of them). */
const MAX_BLOCK = Math.sqrt(MAX_WINDOW);

/**
 * Window sizes of the stages that reduce an axis of `len` ≥ 1 elements to one (one entry per kernel pass).
 *
 * @example
 * ```ts
 * console.assert(stageWindows(100).join() === '100' && stageWindows(65536).join() === '256,256');
 * ```
 */
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

/** The uniforms of a fold stage over `[outer, len, inner]` with windows of `window` (block sizes for sums and products). */
function stageUniforms(op: ReduceOpName, len: number, inner: number, window: number): Record<string, number> {
  const u: Record<string, number> = { partsInner: Math.ceil(len / window) * inner, inner, len, win: window };
  if (op === 'sum' || op === 'prod') {
    // Block size and count, computed here: a GPU's sqrt may round ⌈√256⌉ up to 17.
    u.bs = Math.ceil(Math.sqrt(window));
    u.blocks = Math.ceil(window / u.bs);
  }
  return u;
}

/** What a fold stage reads: plain values, or (softmax's first sum stage) `exp(x - shift)` with the row shift. */
export type FoldInput = 'values' | 'expShifted';

/**
 * Statements that fold the window's elements `read('j')` (j < `win`, with a valid `guard`) into `acc`: sums and
 * products in blocks of `blk` whose partial results are folded in turn, so rounding grows like 2√window rather than
 * window (a float32 running sum of 2^20 × 0.1 drifts by 1e-4 relative; this tree keeps it near 1e-7); max and min
 * need no blocking and let the first NaN win.
 */
function foldLoop(op: ReduceOpName, read: (j: string) => string, guard: (j: string) => string): string {
  if (op === 'max' || op === 'min') {
    const better = op === 'max' ? '>' : '<';
    const body = `if (${guard('j')}) {\nconst v = ${read('j')};\nif (v ${better} acc || ${isNaNCode('v')}) { acc = v; }\n}`;
    return `let acc = ${read('0')};\n${boundedLoop('j', MAX_WINDOW, 'win', body)}`;
  }
  const combine = op === 'sum' ? '+' : '*';
  const identity = op === 'sum' ? '0' : '1';
  const inner = `const j = blk * bs + q;\nif (${guard('j')}) { part = part ${combine} ${read('j')}; }`;
  const block = `let part = ${identity};\n${boundedLoop('q', MAX_BLOCK, 'bs', inner)}\nacc = acc ${combine} part;`;
  return `let acc = ${identity};\n${boundedLoop('blk', MAX_BLOCK, 'blocks', block)}`;
}

/**
 * One stage of a reduction: input `[outer, len, inner]` (argument `x`) to `[outer, ⌈len/window⌉, inner]`, each thread
 * folding one window of the axis. With `expShifted`, argument `rowMax` holds the `[outer, inner]` row maxima and the
 * stage sums `exp(x - shift)` (the first stage of softmax's denominator; see `shiftCode`).
 *
 * @example
 * ```ts
 * // Sum each 16-element window of a [2, 300, 3] tensor's middle axis: a [2, 19, 3] result.
 * const stage = foldStage('sum', 2, 300, 3, 16);
 * ```
 */
export function foldStage(op: ReduceOpName, outer: number, len: number, inner: number, window: number, input: FoldInput = 'values'): KernelProgram {
  const u = stageUniforms(op, len, inner, window);
  const at = (j: string): string => `x[(a * len + p * win + ${j}) * inner + c]`;
  const read = input === 'values' ? at : (j: string) => `Math.exp(${at(j)} - s)`;
  const guard = (j: string): string => `${j} < win && p * win + ${j} < len`;
  const lines = [unravel('this.thread.x', ['a', 'p', 'c'], ['partsInner', 'inner'])];
  if (input === 'expShifted') lines.push(shiftCode('a * inner + c'));
  lines.push(foldLoop(op, read, guard), 'return acc;');
  const tensors = input === 'values' ? ['x'] : ['x', 'rowMax', 'inf'];
  return program(`fold|${op}|${input}`, tensors, u, lines.join('\n'), outer * u.partsInner);
}

/**
 * One stage of argmax / argmin over `[outer, len, inner]` values (argument `x`). The first stage (`candidates` false)
 * scans windows of the axis; later ones scan windows of the previous stage's winners (argument `best`, shaped
 * `[outer, from, inner]`, holding axis indices) and compare the values they point at. Windows are visited in axis
 * order and only a strictly better value (or the first NaN) replaces the leader, so the first index wins ties.
 *
 * @example
 * ```ts
 * const first = argStage(true, 1, 1000, 1, 1000, 32, false); // 32 leaders of 32-element windows
 * const last = argStage(true, 1, 1000, 1, 32, 32, true); // the index of the best of them
 * ```
 */
export function argStage(wantMax: boolean, outer: number, len: number, inner: number, from: number, window: number, candidates: boolean): KernelProgram {
  const u = { partsInner: Math.ceil(from / window) * inner, inner, len: from, win: window, axisLen: len };
  const better = wantMax ? '>' : '<';
  const index = (j: string): string => (candidates ? `best[(a * len + p * win + ${j}) * inner + c]` : `p * win + ${j}`);
  const value = (i: string): string => `x[(a * axisLen + ${i}) * inner + c]`;
  const body = [
    'if (p * win + j < len) {',
    `const i = ${index('j')};`,
    `const v = ${value('i')};`,
    `if (v ${better} bv || (${isNaNCode('v')} && !(${isNaNCode('bv')}))) { bv = v; bi = i; }`,
    '}',
  ].join('\n');
  const lines = [
    unravel('this.thread.x', ['a', 'p', 'c'], ['partsInner', 'inner']),
    `let bi = ${index('0')};`,
    `let bv = ${value('bi')};`,
    boundedLoop('j', MAX_WINDOW, 'win', body),
    'return bi;',
  ];
  return program(`arg|${wantMax}|${candidates}`, candidates ? ['x', 'best'] : ['x'], u, lines.join('\n'), outer * u.partsInner);
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
 *
 * @example
 * ```ts
 * const out = softmaxOutput(4, 10, 1, false); // arguments x, rowMax, sum, Infinity, then the uniforms
 * ```
 */
export function softmaxOutput(outer: number, len: number, inner: number, logForm: boolean): KernelProgram {
  const lines = [
    unravel('this.thread.x', ['a', 'k', 'c'], ['lenInner', 'inner']),
    'const r = a * inner + c;',
    shiftCode('r'),
    'const v = x[this.thread.x] - s;',
    // A zero sum means a row of -Infinity: NaN, as on cpu (SwiftShader's log(0) is -88, which would give -Infinity).
    logForm ? 'const total = sum[r];\nif (total === 0) { return inf - inf; }\nreturn v - Math.log(total);' : 'return Math.exp(v) / sum[r];',
  ];
  return program(`softmax|${logForm}`, ['x', 'rowMax', 'sum', 'inf'], { lenInner: len * inner, inner }, lines.join('\n'), outer * len * inner);
}
