// The wasm backend's fused LSTM/GRU sequence kernels: all-steps products on the threaded matmul, the whole time loop
// as one task in wasm.
//
// Each time step needs one recurrent product ([B, H]×[H, G·H] forward, [B, G·H]×[G·H, H] backward) and the gate math.
// The loop runs inside wasm in one call (sequence-task.ts; assembly/lstm.ts, assembly/gru.ts), every thread taking
// chunks of each step's hidden units and the threads meeting once per step on shared counters, with
// W_hh packed once per parameter version and kept in wasm memory between calls (packed-weights.ts).
import {
  DTypeMismatchError,
  type FusedRecurrentKernels,
  type GruSequenceBackwardArgs,
  type GruSequenceResult,
  type LstmSequenceArgs,
  type LstmSequenceBackwardArgs,
  type LstmSequenceGrads,
  type LstmSequenceResult,
  type RecurrentSequenceArgs,
  type RecurrentSequenceGrads,
  type TensorInfo,
} from '@seqlab/tensor-core';
import { allocFor, freeFor, ptr, runtime } from './context.js';
import { framedTable } from './framed.js';
import { NO_EPILOGUE, productAt } from './kernels/matmul.js';
import { swapLeadingAxes } from './kernels/movement.js';
import { packedWeights, reservePacked, type PackedLayout } from './packed-weights.js';
import { runSequenceTask, SEQ, STEP_PARALLEL_MIN_FLOPS, type SequenceTask } from './sequence-task.js';

/** Sizes of one call: sequence length, batch, input size, hidden size; whether its sequences are batch-first. */
interface SequenceDims {
  T: number;
  B: number;
  I: number;
  H: number;
  batchFirst: boolean;
}

function dimsOf(op: string, args: RecurrentSequenceArgs): SequenceDims {
  if (args.x.dtype !== 'float32') {
    throw new DTypeMismatchError(`${op}: argument 'x' must be float32 on the wasm backend; received ${args.x.dtype}`);
  }
  const batchFirst = args.batchFirst === true;
  const [d0, d1, I] = args.x.shape;
  return batchFirst ? { T: d1, B: d0, I, H: args.h0.shape[1], batchFirst } : { T: d0, B: d1, I, H: args.h0.shape[1], batchFirst };
}

/** The same storage seen as a matrix (the kernels take `[T, B, ·]` sequences as `[T·B, ·]`). */
function asMatrix(t: TensorInfo, rows: number, cols: number): TensorInfo {
  return { handle: t.handle, shape: [rows, cols], dtype: t.dtype, size: rows * cols };
}

/** Batch of a call's `x` (`[T, B, I]`, or `[B, T, I]` batch-first). */
function batchOf(args: RecurrentSequenceArgs): number {
  return args.x.shape[args.batchFirst === true ? 0 : 1];
}

/** A `[rows, cols]` float32 matrix at an address of this call's memory (a `[T, B, ·]` sequence as `[T·B, ·]`). */
interface Matrix {
  readonly at: number;
  readonly shape: readonly [number, number];
  readonly dtype: 'float32';
}

function matrixAt(at: number, rows: number, cols: number): Matrix {
  return { at, shape: [rows, cols], dtype: 'float32' };
}

/**
 * Address of the time-major `[T, B, cols]` values of a sequence storage given in the call's layout: its own staged
 * address when the call is time-major, else a new block holding it with the leading axes swapped (the caller frees
 * it with `freeFor` once read). The sequence task and the products index time-major rows.
 */
function timeMajorAt(t: TensorInfo, { T, B, batchFirst }: SequenceDims, cols: number): number {
  if (!batchFirst) return ptr(t);
  const at = allocFor('float32', T * B * cols);
  swapLeadingAxes('float32', ptr(t), at, B, T, cols);
  return at;
}

/** Frees a block made by {@link timeMajorAt} (nothing for a time-major call's staged storage). */
function freeTimeMajor(at: number, { batchFirst }: SequenceDims): void {
  if (batchFirst) freeFor(at);
}

/**
 * The call's result for a time-major `[T, B, cols]` block at `at`: that block, or for a batch-first call a new
 * `[B, T, cols]` block with the leading axes swapped (the time-major one freed).
 */
function inCallLayout(at: number, { T, B, batchFirst }: SequenceDims, cols: number): number {
  if (!batchFirst) return at;
  const out = allocFor('float32', T * B * cols);
  swapLeadingAxes('float32', at, out, T, B, cols);
  freeFor(at);
  return out;
}

/**
 * Resident blocks made by a call's prelude for the call to write into: a forward call's saved workspace, a backward
 * call's gate-gradient scratch. The resident region can grow only while no block of a call is live, so the kernel
 * body could seldom make them itself. Taken (and emptied) by {@link reservedBlock}; what a call leaves untaken is
 * freed by the next prelude.
 */
let reserved: Float32Array[] = [];

/** Makes a resident float32 block of each of `sizes` elements (as many as the region allows; see {@link reserved}). */
function reserveBlocks(sizes: readonly number[]): void {
  const resident = runtime().resident;
  for (const view of reserved) resident.release(view);
  reserved = [];
  for (const size of sizes) {
    const view = resident.allocF32(size);
    if (view !== undefined) reserved.push(view);
  }
}

/** Takes a reserved block of `size` elements, if the prelude made one. */
function reservedBlock(size: number): Float32Array | undefined {
  const i = reserved.findIndex((v) => v.length === size);
  return i < 0 ? undefined : reserved.splice(i, 1)[0];
}

/**
 * A block of `size` floats for a forward call's saved workspace: its address, and the call's result for it. Where the
 * prelude reserved a resident block, the result is that block's resident storage: the workspace then stays in wasm
 * memory until the backward call reads it in place (and the op disposes it), with no copy out and back in; else an
 * ordinary result block, copied out.
 */
function workspaceBlock(size: number): { at: number; result: number | Float32Array } {
  const view = reservedBlock(size);
  if (view === undefined) {
    const at = allocFor('float32', size);
    return { at, result: at };
  }
  return { at: runtime().resident.addressOf(view), result: view };
}

/**
 * A `[rows, cols]` float32 scratch storage, its address in this call's memory, and `release`, to call once the
 * call no longer reads it. The wasm loops write the gradients at that address (every element: its contents start
 * undefined); products that take the storage as an operand then find it already staged (a call stages each storage
 * once) and read those values in place, with no copy out of wasm memory and back. The storage is a block the
 * prelude reserved in the resident region where there is one, so nothing is copied in either; else a JS array,
 * copied in once.
 */
function stagedScratch(rows: number, cols: number): { info: TensorInfo; at: number; release: () => void } {
  const resident = runtime().resident;
  const view = reservedBlock(rows * cols);
  const info: TensorInfo = { handle: view ?? new Float32Array(rows * cols), shape: [rows, cols], dtype: 'float32', size: rows * cols };
  return { info, at: ptr(info), release: () => view !== undefined && resident.release(view) };
}

/**
 * op(a)·op(b) as a `[m, n]` block of this call, on the threaded matmul of kernels/matmul.ts: a new block, or the one at
 * `into`. Operands are storages (staged on first use) or matrices already at an address of the call.
 */
function product(a: TensorInfo | Matrix, b: TensorInfo | Matrix, transA: boolean, transB: boolean, m: number, n: number, into?: number): number {
  return productAt(operandOf(a), operandOf(b), transA, transB, [m, n], NO_EPILOGUE, undefined, into);
}

function operandOf(t: TensorInfo | Matrix): { at: number; shape: readonly number[]; dtype: TensorInfo['dtype'] } {
  return 'at' in t ? t : { at: ptr(t), shape: t.shape, dtype: t.dtype };
}

/** Copies `bytes` bytes within this call's memory. */
function copyBlock(dst: number, src: number, bytes: number): void {
  const u8 = runtime().heap.u8;
  u8.copyWithin(dst, src, src + bytes);
}

/** A zero-filled block of `count` float64 values (bias-gradient accumulators). */
function zeroedF64(count: number): number {
  const heap = runtime().heap;
  const at = heap.alloc(count * 8);
  heap.u8.fill(0, at, at + count * 8);
  return at;
}

/** The sequence lengths copied into this call's memory (address 0 when every sequence runs all steps). */
function stageLengths(lengths: Int32Array | null): number {
  if (lengths === null) return 0;
  const heap = runtime().heap;
  const at = heap.alloc(lengths.length * 4);
  heap.i32.set(lengths, at >>> 2);
  return at;
}

/** Runs the sequence task `kind` of `args` (`gates` gates, W_hh packed for `layout`) with the kernel's `fields`. */
function runSequence(kind: number, args: RecurrentSequenceArgs, { T, B, H }: SequenceDims, gates: number, layout: PackedLayout, fields: number[]): void {
  const weights = packedWeights(runtime(), args.weightHh, ptr(args.weightHh), layout);
  const save = savesWorkspace(args);
  runSequenceTask({ kind, T, B, H, gates, reverse: args.reverse, save, lengths: stageLengths(args.lengths), weights, fields });
}

/** Whether a forward call keeps its backward workspace (see `RecurrentSequenceArgs.saveWorkspace`). */
function savesWorkspace(args: RecurrentSequenceArgs): boolean {
  return args.saveWorkspace !== false;
}

/**
 * A forward call's `[·, B, H]` state sequence: every step's starting state when it keeps the workspace (a
 * {@link workspaceBlock}), else two rows that the steps alternate between. The kernels put the first step's state in
 * its time step's row in the first case and in row 0 in the second (assembly/recurrent.ts, stateAt).
 */
function stateSequence(args: RecurrentSequenceArgs, T: number, BH: number): { at: number; result: number | Float32Array } {
  if (savesWorkspace(args)) return workspaceBlock(T * BH);
  const at = allocFor('float32', Math.min(T, 2) * BH);
  return { at, result: at };
}

/**
 * Address of b_ih + b_hh summed in float32 (the LSTM adds both to every gate: one vector instead of two per step and
 * unit; the sum is the one the kernel formed per unit before), or 0 for a layer without bias.
 */
function summedBias(args: RecurrentSequenceArgs): number {
  if (args.biasIh === null || args.biasHh === null) return 0;
  const [ih, hh] = biases(args);
  const G = args.biasIh.size;
  const at = allocFor('float32', G);
  const f32 = runtime().heap.f32;
  for (let j = 0; j < G; j++) f32[(at >>> 2) + j] = f32[(ih >>> 2) + j] + f32[(hh >>> 2) + j];
  return at;
}

/** Addresses of b_ih and b_hh, or zeros for a layer without bias. */
function biases(args: RecurrentSequenceArgs): [number, number] {
  return [args.biasIh === null ? 0 : ptr(args.biasIh), args.biasHh === null ? 0 : ptr(args.biasHh)];
}

/**
 * Puts each initial state (`[B, H]` at `initial`) in the first processed step's row of its `[T, B, H]` state
 * sequence at `seq`, where the sequence task reads every step's starting state. An empty sequence has no step: its
 * final states (at `final`) are the initial ones, and the function returns false.
 */
function startState(args: RecurrentSequenceArgs, T: number, BH: number, ...states: [seq: number, initial: number, final: number][]): boolean {
  const row = args.reverse && savesWorkspace(args) ? T - 1 : 0;
  for (const [seq, initial, final] of states) copyBlock(T === 0 ? final : seq + row * BH * 4, initial, BH * 4);
  return T > 0;
}

/**
 * The bias gradients of a backward call: `count` zeroed float64 `[G]` accumulators (addresses 0 for a layer without
 * bias), and `store`, which rounds them into the two results: the LSTM's one sum serves both biases, the GRU's two
 * sums are one each.
 */
function biasGrads(args: RecurrentSequenceArgs, G: number, count: 1 | 2): { acc: number[]; store: () => [number | null, number | null] } {
  if (args.biasIh === null) return { acc: new Array<number>(count).fill(0), store: () => [null, null] };
  const acc = Array.from({ length: count }, () => zeroedF64(G));
  const store = (): [number, number] => {
    const ih = allocFor('float32', G),
      hh = allocFor('float32', G);
    const ex = runtime().exports;
    if (count === 1) ex.storeColumnSumsF32(acc[0], G, ih, hh);
    else {
      ex.storeColumnSumsF32(acc[0], G, ih, 0);
      ex.storeColumnSumsF32(acc[1], G, hh, 0);
    }
    return [ih, hh];
  };
  return { acc, store };
}

function lstmSequence(args: LstmSequenceArgs): LstmSequenceResult {
  const dims = dimsOf('lstmSequence', args);
  const { T, B, I, H } = dims;
  const G = 4 * H,
    BH = B * H;
  const save = savesWorkspace(args);
  // x·W_ihᵀ for all steps at once; the sequence task then overwrites it with the activated gates.
  const gates = save ? workspaceBlock(T * B * G) : undefined;
  const xAt = timeMajorAt(args.x, dims, I);
  const gatesAt = product(matrixAt(xAt, T * B, I), args.weightIh, false, true, T * B, G, gates?.at);
  freeTimeMajor(xAt, dims);
  const output = allocFor('float32', T * BH);
  const hN = allocFor('float32', BH);
  const cN = allocFor('float32', BH);
  const cPrev = stateSequence(args, T, BH);
  const cellTanh = save ? workspaceBlock(T * BH) : undefined;
  const hPrev = stateSequence(args, T, BH);
  const result =
    gates && cellTanh
      ? { output, hN, cN, gates: gates.result, cPrev: cPrev.result, cellTanh: cellTanh.result, hPrev: hPrev.result }
      : { output, hN, cN, gates: null, cPrev: null, cellTanh: null, hPrev: null };
  if (startState(args, T, BH, [hPrev.at, ptr(args.h0), hN], [cPrev.at, ptr(args.c0), cN])) {
    runSequence(SEQ.lstmForward, args, dims, 4, 'forward', [gatesAt, summedBias(args), output, hPrev.at, cPrev.at, cellTanh?.at ?? 0, hN, cN]);
  }
  return { ...result, output: inCallLayout(output, dims, H) };
}

/** dx, dW_ih, dW_hh from the stacked pre-activation gradients `[T·B, G·H]`: one threaded product each. */
function weightGrads(
  args: RecurrentSequenceArgs,
  dims: SequenceDims,
  dGi: TensorInfo,
  dGh: TensorInfo,
  hPrev: TensorInfo,
): Pick<RecurrentSequenceGrads, 'dx' | 'dWeightIh' | 'dWeightHh'> {
  const { T, B, I, H } = dims;
  const G = args.weightIh.shape[0];
  const xAt = timeMajorAt(args.x, dims, I);
  const grads = {
    dx: inCallLayout(product(dGi, args.weightIh, false, false, T * B, I), dims, I),
    dWeightIh: product(dGi, matrixAt(xAt, T * B, I), true, false, G, I),
    dWeightHh: product(dGh, asMatrix(hPrev, T * B, H), true, false, G, H),
  };
  freeTimeMajor(xAt, dims);
  return grads;
}

function lstmSequenceBackward(args: LstmSequenceBackwardArgs): LstmSequenceGrads {
  const dims = dimsOf('lstmSequenceBackward', args);
  const { T, B, H } = dims;
  const G = 4 * H,
    BH = B * H;
  const { saved } = args;
  const dGates = stagedScratch(T * B, G);
  const dh0 = allocFor('float32', BH);
  const dc0 = allocFor('float32', BH);
  copyBlock(dh0, ptr(args.dhN), BH * 4);
  copyBlock(dc0, ptr(args.dcN), BH * 4);
  const bias = biasGrads(args, G, 1);
  const dOutputAt = timeMajorAt(args.dOutput, dims, H);
  runSequence(SEQ.lstmBackward, args, dims, 4, 'backward', [
    ptr(saved.gates),
    ptr(saved.cPrev),
    ptr(saved.cellTanh),
    dOutputAt,
    dh0,
    dc0,
    dGates.at,
    bias.acc[0],
  ]);
  freeTimeMajor(dOutputAt, dims);
  const [dBiasIh, dBiasHh] = bias.store();
  const grads = weightGrads(args, dims, dGates.info, dGates.info, saved.hPrev);
  dGates.release();
  return { ...grads, dh0, dc0, dBiasIh, dBiasHh };
}

function gruSequence(args: RecurrentSequenceArgs): GruSequenceResult {
  const dims = dimsOf('gruSequence', args);
  const { T, B, I, H } = dims;
  const G = 3 * H,
    BH = B * H;
  const xAt = timeMajorAt(args.x, dims, I);
  const xp = product(matrixAt(xAt, T * B, I), args.weightIh, false, true, T * B, G);
  freeTimeMajor(xAt, dims);
  const output = allocFor('float32', T * BH);
  const hN = allocFor('float32', BH);
  const gates = savesWorkspace(args) ? workspaceBlock(T * B * 4 * H) : undefined;
  const hPrev = stateSequence(args, T, BH);
  const result = gates ? { output, hN, gates: gates.result, hPrev: hPrev.result } : { output, hN, gates: null, hPrev: null };
  if (startState(args, T, BH, [hPrev.at, ptr(args.h0), hN])) {
    runSequence(SEQ.gruForward, args, dims, 3, 'forward', [xp, ...biases(args), output, hPrev.at, gates?.at ?? 0, hN]);
  }
  return { ...result, output: inCallLayout(output, dims, H) };
}

function gruSequenceBackward(args: GruSequenceBackwardArgs): RecurrentSequenceGrads {
  const dims = dimsOf('gruSequenceBackward', args);
  const { T, B, H } = dims;
  const G = 3 * H,
    BH = B * H;
  const dGi = stagedScratch(T * B, G),
    dGh = stagedScratch(T * B, G);
  const dh0 = allocFor('float32', BH);
  copyBlock(dh0, ptr(args.dhN), BH * 4);
  const bias = biasGrads(args, G, 2);
  const dOutputAt = timeMajorAt(args.dOutput, dims, H);
  runSequence(SEQ.gruBackward, args, dims, 3, 'backward', [ptr(args.saved.gates), ptr(args.saved.hPrev), dOutputAt, dh0, dGi.at, dGh.at, ...bias.acc]);
  freeTimeMajor(dOutputAt, dims);
  const [dBiasIh, dBiasHh] = bias.store();
  const grads = weightGrads(args, dims, dGi.info, dGh.info, args.saved.hPrev);
  dGi.release();
  dGh.release();
  return { ...grads, dh0, dBiasIh, dBiasHh };
}

/**
 * Run before a call's inputs are staged: reserves the pinned block of the packed W_hh and the call's resident blocks
 * (`blocks` gives their sizes: a forward call's saved workspace, a backward call's scratch) while no block of the
 * call is live (see packed-weights.ts), and wakes the worker pool when the steps are large enough to share, so that
 * the workers' wake-up overlaps the copying-in and the input projection.
 */
const prepare =
  (layout: PackedLayout, blocks: (args: RecurrentSequenceArgs, gates: number, state: number) => number[]) =>
  (args: RecurrentSequenceArgs): void => {
    if (args.weightHh.dtype !== 'float32') return;
    const rt = runtime();
    reservePacked(rt, args.weightHh, layout);
    const [rows, H] = args.weightHh.shape;
    const TB = args.x.shape[0] * args.x.shape[1];
    reserveBlocks(blocks(args, TB * rows, TB * H));
    if (2 * batchOf(args) * rows * H >= STEP_PARALLEL_MIN_FLOPS) rt.workerPool()?.wake();
  };

/**
 * The resident blocks of a forward call's workspace, from the sizes of one `[T·B, G]` gate block and one `[T·B, H]`
 * state block: `sizes` where the call keeps a workspace, none where it does not.
 */
const workspace =
  (sizes: (gates: number, state: number) => number[]) =>
  (args: RecurrentSequenceArgs, gates: number, state: number): number[] =>
    savesWorkspace(args) ? sizes(gates, state) : [];

/**
 * The wasm backend's fused recurrent kernels (float32; see tensor-core's `FusedRecurrentKernels` for the contract),
 * each run in a call frame. The input projection and the weight gradients are single products over all steps on the
 * threaded matmul; the time loop is one sequence task (sequence-task.ts) on the packed W_hh (packed-weights.ts), in
 * which the threads split every step's hidden units.
 */
export const fusedRecurrentKernels: FusedRecurrentKernels = framedTable(
  { lstmSequence, lstmSequenceBackward, gruSequence, gruSequenceBackward },
  {
    // Gates [T·B, 4H]; cell states, cell tanh and hidden states [T·B, H].
    lstmSequence: prepare(
      'forward',
      workspace((gates, state) => [gates, state, state, state]),
    ),
    lstmSequenceBackward: prepare('backward', (_args, gates) => [gates]),
    // Gates [T·B, 4H] (the kernel keeps four per unit: r, z, n and the hidden side of n), hidden states [T·B, H].
    gruSequence: prepare(
      'forward',
      workspace((_gates, state) => [4 * state, state]),
    ),
    gruSequenceBackward: prepare('backward', (_args, gates) => [gates, gates]),
  },
);
