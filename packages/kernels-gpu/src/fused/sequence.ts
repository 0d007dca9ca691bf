// What the gpu LSTM and GRU sequence kernels share: sizes, the per-step recurrent product, state slices of a
// sequence workspace, and the all-steps weight gradients.
//
// A time loop on the gpu cannot write one step into a slice of an existing texture: every kernel call makes a new
// output. So each step's cell kernel writes a whole new sequence workspace (`[T, B, R]` records) that copies the
// other steps from the previous one, which is then deleted (ping-pong: gpu.js hands the freed texture to the next
// call). The copy costs T·B·R texel writes per step against the step product's B·G·2H reads, so it stays below the
// product while T·R < 2·G·H (T < 2·4H·H/7H ≈ H for the LSTM); it keeps every step on the device and the time index a
// uniform, so no step compiles anything after the first call. T and B stay in the cache keys although the sources read
// them as uniforms: one program resized between calls (dynamic output, its deleted textures reused) gave wrong values
// on WebGL2 (SwiftShader) when a layer ran a padded batch and then one sequence alone (recurrentLengthsSuite).
import { DTypeMismatchError, type RecurrentSequenceArgs, type RecurrentSequenceGrads, type TensorInfo } from '@seqlab/tensor-core';
import { copyFloat, runProgram, type ProgramArg } from '../program.js';
import type { GpuFloat } from '../storage.js';
import { columnSums, divSource, f, fill, handleOf, matrixProduct, recordField, release, rowColSource, stridedProduct, validSource } from './programs.js';

/** Sizes of one recurrent call: sequence length, batch, input size, hidden size, gate rows. */
export interface SequenceDims {
  readonly T: number;
  readonly B: number;
  readonly I: number;
  readonly H: number;
  /** Gate rows of the weights: 4H (LSTM) or 3H (GRU). */
  readonly G: number;
}

/**
 * The sizes of `args`, refusing a dtype other than float32 (the gpu backend's only float).
 *
 * @example
 * ```ts
 * const { T, B, I, H, G } = dimsOf('lstmSequence', args);
 * ```
 */
export function dimsOf(op: string, args: RecurrentSequenceArgs): SequenceDims {
  if (args.x.dtype !== 'float32') throw new DTypeMismatchError(`${op}: argument 'x' must be float32 on the gpu backend; received ${args.x.dtype}`);
  const [T, B, I] = args.x.shape;
  return { T, B, I, H: args.h0.shape[1], G: args.weightIh.shape[0] };
}

/**
 * Time index of processing step `s` (0 first).
 *
 * @example
 * ```ts
 * timeAt(0, 5, true); // 4: a reverse direction starts at the last step
 * ```
 */
export function timeAt(s: number, T: number, reverse: boolean): number {
  return reverse ? T - 1 - s : s;
}

/**
 * `x·W_ihᵀ` for all steps, `[T·B, G]`, on the matmul kernel (biases are added in the cell kernels).
 *
 * @example
 * ```ts
 * const xp = inputProjection(args, dimsOf('gruSequence', args)); // [T·B, 3H]
 * ```
 */
export function inputProjection(args: RecurrentSequenceArgs, d: SequenceDims): GpuFloat {
  return matrixProduct(handleOf(args.x), [d.T * d.B, d.I], handleOf(args.weightIh), [d.G, d.I], false, true);
}

/**
 * The recurrent product of one step, `h·W_hhᵀ` `[B, G]`, with `h` read from the initial state `h0` (`prevTime` < 0) or
 * from field `hOffset` of record `prevTime` of the workspace `work` (`record` floats per (t, b)).
 *
 * @example
 * ```ts
 * const hh = stepProduct('lstmSequence', d, args.weightHh, args.h0, work, 7 * d.H, 6 * d.H, -1); // from h0
 * ```
 */
export function stepProduct(
  op: string,
  d: SequenceDims,
  weightHh: TensorInfo,
  h0: TensorInfo,
  work: GpuFloat,
  record: number,
  hOffset: number,
  prevTime: number,
): GpuFloat {
  const w = handleOf(weightHh);
  const shape = { rows: d.B, cols: d.G, depth: d.H, ak: 1, bk: 1, bn: d.H };
  if (prevTime < 0) return stridedProduct(op, handleOf(h0), w, { ...shape, am: d.H });
  return stridedProduct(op, work, w, { ...shape, am: record }, prevTime * d.B * record + hOffset);
}

/**
 * The state each time step started from, `[T, B, H]`: field `offset` of the record of the step processed before it,
 * or `init` for the first processed step.
 *
 * @example
 * ```ts
 * const hPrev = previousStates('lstmSequence', d, work, 7 * d.H, 6 * d.H, args.h0, args.reverse); // [T, B, H]
 * ```
 */
export function previousStates(op: string, d: SequenceDims, work: GpuFloat, record: number, offset: number, init: TensorInfo, reverse: boolean): GpuFloat {
  const { T, B, H } = d;
  const key = `fused|prevstate|${T},${B},${H}|${record},${offset}|${reverse}`;
  const build = () => ({
    dynamicOutput: true,
    source:
      `function (w, init, steps, batch) { ${rowColSource(H)} ${divSource('row', 'batch', 't', 'b')} ` +
      `const tp = t ${reverse ? '+' : '-'} 1.0; ` +
      `if (tp < 0.0 || tp > steps - 1.0) { return init[b * ${f(H)} + col]; } ` +
      `return w[(tp * batch + b) * ${f(record)} + ${f(offset)} + col]; }`,
  });
  return runProgram(op, key, build, T * B * H, [work, handleOf(init), T, B]);
}

/**
 * Field `offset` (H wide) of the records of time `t`, `[B, H]` (the final states: t is the last processed step).
 *
 * @example
 * ```ts
 * const hN = stateAt('gruSequence', d, work, 5 * d.H, 4 * d.H, d.T - 1); // [B, H]
 * ```
 */
export function stateAt(op: string, d: SequenceDims, work: GpuFloat, record: number, offset: number, t: number): GpuFloat {
  const key = `fused|stateat|${d.T},${d.B},${d.H}|${record},${offset}`;
  const build = () => ({
    dynamicOutput: true,
    source: `function (w, t, batch) { ${rowColSource(d.H)} return w[(t * batch + row) * ${f(record)} + ${f(offset)} + col]; }`,
  });
  return runProgram(op, key, build, d.B * d.H, [work, t, d.B]);
}

/**
 * `dx = dGi·W_ih`, `dW_ih = dGiᵀ·X`, `dW_hh = dGhᵀ·H_prev` and the bias gradients (column sums of dGi and dGh), from
 * the pre-activation gradients of all steps `[T·B, G]`.
 *
 * @example
 * ```ts
 * const { dx, dWeightIh, dWeightHh, dBiasIh, dBiasHh } = weightGrads(op, args, d, dGates, dGates, args.saved.hPrev);
 * ```
 */
export function weightGrads(
  op: string,
  args: RecurrentSequenceArgs,
  d: SequenceDims,
  dGi: GpuFloat,
  dGh: GpuFloat,
  hPrev: TensorInfo,
): Omit<RecurrentSequenceGrads, 'dh0'> {
  const { T, B, I, H, G } = d;
  const R = T * B;
  const hasBias = args.biasIh !== null;
  return {
    dx: matrixProduct(dGi, [R, G], handleOf(args.weightIh), [G, I], false, false),
    dWeightIh: matrixProduct(dGi, [R, G], handleOf(args.x), [R, I], true, false),
    dWeightHh: matrixProduct(dGh, [R, G], handleOf(hPrev), [R, H], true, false),
    dBiasIh: hasBias ? columnSums(op, dGi, R, G) : null,
    dBiasHh: hasBias ? columnSums(op, dGh, R, G) : null,
  };
}

/**
 * `[T·B, width]` field `offset` of a `[T, B, record]` workspace (gate gradients; rows of invalid steps are 0 there).
 *
 * @example
 * ```ts
 * const dGates = fieldOf('lstmSequenceBackward', d, work, 5 * d.H, 0, 4 * d.H); // [T·B, 4H]
 * ```
 */
export function fieldOf(op: string, d: SequenceDims, work: GpuFloat, record: number, offset: number, width: number): GpuFloat {
  return recordField(op, work, d.T * d.B, record, offset, width, null, d.B);
}

/**
 * Statements declaring `row`, `r` (position in the record), `b` and `j` (position in an H block) of a `[T, B, R]` workspace.
 *
 * @example
 * ```ts
 * const src = `function (w) { ${recordCoords(d, 7 * d.H)} return w[i]; }`;
 * ```
 */
export function recordCoords(d: SequenceDims, R: number): string {
  const { H } = d;
  return (
    `const i = this.thread.x * 1.0; ${divSource('i', f(R), 'row', 'r')} ` +
    `${divSource('row', 'batch', 'tRow', 'b')} ` +
    `${divSource('r', f(H), 'jBlock', 'j')}`
  );
}

/**
 * The leading arguments of every forward cell program: workspace, input projection, step product and both biases (0 without).
 *
 * @example
 * ```ts
 * runProgram(op, key, build, size, [...cellInputs(work, xp, hh, args), t, tp]);
 * ```
 */
export function cellInputs(work: GpuFloat, xp: GpuFloat, hh: GpuFloat, args: RecurrentSequenceArgs): ProgramArg[] {
  const bias = (b: TensorInfo | null): ProgramArg => (b === null ? 0 : handleOf(b));
  return [work, xp, hh, bias(args.biasIh), bias(args.biasHh)];
}

/**
 * The forward time loop: the input projection, then per step the recurrent product (h read from field `hOffset` of the
 * previous step's records, or h0) and `cell(work, xp, hh, t, tp)`, which returns the next workspace of `record` floats
 * per (t, b). Frees each superseded workspace and step product; returns the final workspace (the caller frees it).
 *
 * @example
 * ```ts
 * const work = forwardLoop(op, d, args, 5 * d.H, 4 * d.H, cell); // cell(work, xp, hh, t, tp) → next workspace
 * ```
 */
export function forwardLoop(
  op: string,
  d: SequenceDims,
  args: RecurrentSequenceArgs,
  record: number,
  hOffset: number,
  cell: (work: GpuFloat, xp: GpuFloat, hh: GpuFloat, t: number, tp: number) => GpuFloat,
): GpuFloat {
  const xp = inputProjection(args, d);
  let work = fill(op, d.T * d.B * record, 0);
  for (let s = 0; s < d.T; s++) {
    const t = timeAt(s, d.T, args.reverse);
    const tp = s === 0 ? -1 : timeAt(s - 1, d.T, args.reverse);
    const hh = stepProduct(op, d, args.weightHh, args.h0, work, record, hOffset, tp);
    const next = cell(work, xp, hh, t, tp);
    release(hh, work);
    work = next;
  }
  release(xp);
  return work;
}

/**
 * The BPTT time loop, in reverse processing order: per step `cell(work, dh, t, tn)` returns the next workspace of
 * `record` floats per (t, b) (tn: the time handled before, −1 at first), then `product(work, dh, t)` the hidden-state
 * gradient carried to the step before. Starts from `dhN` (never freed here); returns the final workspace and carry.
 *
 * @example
 * ```ts
 * const { work, dh } = backwardLoop(op, d, args, 6 * d.H, cell, product); // cell(work, dh, t, tn), product(work, dh, t)
 * ```
 */
export function backwardLoop(
  op: string,
  d: SequenceDims,
  args: RecurrentSequenceArgs & { readonly dhN: TensorInfo },
  record: number,
  cell: (work: GpuFloat, dh: GpuFloat, t: number, tn: number) => GpuFloat,
  product: (work: GpuFloat, dh: GpuFloat, t: number) => GpuFloat,
): { work: GpuFloat; dh: GpuFloat } {
  const dhN = handleOf(args.dhN);
  let work = fill(op, d.T * d.B * record, 0);
  let dh = dhN;
  for (let s = d.T - 1; s >= 0; s--) {
    const t = timeAt(s, d.T, args.reverse);
    const tn = s === d.T - 1 ? -1 : timeAt(s + 1, d.T, args.reverse);
    const next = cell(work, dh, t, tn);
    release(work);
    work = next;
    const carried = product(work, dh, t);
    if (dh !== dhN) release(dh);
    dh = carried;
  }
  return { work, dh: dh === dhN ? copyFloat(op, dhN) : dh };
}

/** The GRU's direct path `h' = … + z·h` in the carried gradient: gates `[T, B, 4H]` with z at `zOffset`, and dOutput. */
export interface DirectPath {
  readonly gates: TensorInfo;
  readonly dOutput: TensorInfo;
  readonly zOffset: number;
}

/**
 * The hidden-state gradient carried to the step before t, `[B, H]`: for valid rows `dG_t·W_hh` with `dG_t` the `G`
 * gate gradients at field `offset` of t's records (plus `(dh + dOut_t)·z` with a GRU's `direct` path); unchanged for
 * the others.
 *
 * @example
 * ```ts
 * const dhPrev = carriedGradient('lstmSequenceBackward', d, work, dh, args.weightHh, lengths, t, 5 * d.H, 0, 4 * d.H, null);
 * ```
 */
export function carriedGradient(
  op: string,
  d: SequenceDims,
  work: GpuFloat,
  dh: GpuFloat,
  weightHh: TensorInfo,
  lengths: GpuFloat | null,
  t: number,
  record: number,
  offset: number,
  G: number,
  direct: DirectPath | null,
): GpuFloat {
  const { B, H } = d;
  const key = `${op}|carried|${d.T},${B},${H}|${record},${offset},${G}|${direct?.zOffset ?? 'none'}|${lengths !== null}`;
  const start = direct === null ? '0.0' : `(dh[i] + dOut[row * ${f(H)} + k]) * gates[row * ${f(4 * H)} + ${f(direct.zOffset)} + k]`;
  const build = () => ({
    dynamicOutput: true,
    source:
      `function (w, dh, whh, gates, dOut, len, t, batch) { const i = this.thread.x * 1.0; ${divSource('i', f(H), 'b', 'k')} ` +
      `${validSource(lengths !== null)} let out = dh[i]; ` +
      `if (valid) { const row = t * batch + b; let s = ${start}; let pw = row * ${f(record)} + ${f(offset)}; let pu = k; ` +
      `for (let g = 0; g < ${G}; g++) { s += w[pw] * whh[pu]; pw += 1.0; pu += ${f(H)}; } out = s; } return out; }`,
  });
  const extra = direct === null ? [0, 0] : [handleOf(direct.gates), handleOf(direct.dOutput)];
  return runProgram(op, key, build, B * H, [work, dh, handleOf(weightHh), ...extra, lengths ?? 0, t, B]);
}

/**
 * The state after the last processed step, `[B, H]` (invalid steps carried it through): field `offset` of its records,
 * or a copy of `init` when T is 0.
 *
 * @example
 * ```ts
 * const hN = finalState('gruSequence', d, work, 5 * d.H, 4 * d.H, args.h0, args.reverse);
 * ```
 */
export function finalState(op: string, d: SequenceDims, work: GpuFloat, record: number, offset: number, init: TensorInfo, reverse: boolean): GpuFloat {
  return d.T === 0 ? copyFloat(op, handleOf(init)) : stateAt(op, d, work, record, offset, timeAt(d.T - 1, d.T, reverse));
}
