// The wasm backend's fused LSTM/GRU sequence kernels: all-steps products on the threaded matmul, time loops in wasm.
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
  type Shape,
  type TensorInfo,
} from '@seqlab/tensor-core';
import { allocFor, ptr, runtime } from './context.js';
import { framedTable } from './framed.js';
import { matmulKernels } from './kernels/matmul.js';

/** Sizes of one call: sequence length, batch, input size, hidden size. */
interface SequenceDims {
  T: number;
  B: number;
  I: number;
  H: number;
}

function dimsOf(op: string, args: RecurrentSequenceArgs): SequenceDims {
  if (args.x.dtype !== 'float32') {
    throw new DTypeMismatchError(`${op}: argument 'x' must be float32 on the wasm backend; received ${args.x.dtype}`);
  }
  const [T, B, I] = args.x.shape;
  return { T, B, I, H: args.h0.shape[1] };
}

/** The same storage seen as a matrix (the kernels take `[T, B, ·]` sequences as `[T·B, ·]`). */
function asMatrix(t: TensorInfo, rows: number, cols: number): TensorInfo {
  return { handle: t.handle, shape: [rows, cols], dtype: t.dtype, size: rows * cols };
}

/**
 * A block of this call's memory as a matrix operand of {@link product}: the threaded matmul takes storages, so the
 * block is copied out into one (and staged back in once, however many products read it).
 */
function matrixOf(at: number, rows: number, cols: number): TensorInfo {
  const f32 = runtime().heap.f32;
  const handle = f32.slice(at >>> 2, (at >>> 2) + rows * cols);
  return { handle, shape: [rows, cols], dtype: 'float32', size: rows * cols };
}

/** op(a)·op(b) as a new `[m, n]` block of this call, on the threaded matmul of kernels/matmul.ts. */
function product(a: TensorInfo, b: TensorInfo, transA: boolean, transB: boolean, m: number, n: number): number {
  const outShape: Shape = [m, n];
  return matmulKernels.matmul(a, b, transA, transB, outShape) as number;
}

/** This call's scratch: `floats` float32 values, then a copy of `lengths` when given (address 0 when not). */
function allocWork(floats: number, lengths: Int32Array | null): { floats: number; lengths: number } {
  const heap = runtime().heap;
  const block = heap.alloc(floats * 4 + (lengths === null ? 0 : lengths.length * 4));
  const at = block + floats * 4;
  if (lengths !== null) heap.i32.set(lengths, at >>> 2);
  return { floats: block, lengths: lengths === null ? 0 : at };
}

/** Column sums of the `[rows, cols]` storage into a new `[cols]` storage (and a second copy when `twice`). */
function columnSums(m: number, rows: number, cols: number, twice: boolean): [number, number | null] {
  const rt = runtime();
  const out = allocFor('float32', cols);
  const copy = twice ? allocFor('float32', cols) : null;
  rt.exports.columnSumsF32(m, rows, cols, out, copy ?? 0, rt.heap.alloc(cols * 8));
  return [out, copy];
}

function lstmSequence(args: LstmSequenceArgs): LstmSequenceResult {
  const { T, B, I, H } = dimsOf('lstmSequence', args);
  const G = 4 * H, BH = B * H;
  const rt = runtime();
  // x·W_ihᵀ for all steps at once; the time loop then overwrites it with the activated gates.
  const gates = product(asMatrix(args.x, T * B, I), args.weightIh, false, true, T * B, G);
  const output = allocFor('float32', T * BH);
  const hN = allocFor('float32', BH);
  const cN = allocFor('float32', BH);
  const cPrev = allocFor('float32', T * BH);
  const cellTanh = allocFor('float32', T * BH);
  const hPrev = allocFor('float32', T * BH);
  const work = allocWork(B * G, args.lengths);
  rt.exports.lstmForwardF32(
    gates, ptr(args.weightHh), args.biasIh === null ? 0 : ptr(args.biasIh), args.biasHh === null ? 0 : ptr(args.biasHh),
    ptr(args.h0), ptr(args.c0), work.lengths, args.reverse ? 1 : 0, T, B, H,
    output, hN, cN, cPrev, cellTanh, hPrev, work.floats, rt.matmulScratch(1),
  );
  return { output, hN, cN, gates, cPrev, cellTanh, hPrev };
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
  return {
    dx: product(dGi, args.weightIh, false, false, T * B, I),
    dWeightIh: product(dGi, asMatrix(args.x, T * B, I), true, false, G, I),
    dWeightHh: product(dGh, asMatrix(hPrev, T * B, H), true, false, G, H),
  };
}

function lstmSequenceBackward(args: LstmSequenceBackwardArgs): LstmSequenceGrads {
  const dims = dimsOf('lstmSequenceBackward', args);
  const { T, B, H } = dims;
  const G = 4 * H, BH = B * H;
  const rt = runtime();
  const { saved } = args;
  const dGates = rt.heap.alloc(T * B * G * 4);
  const dh0 = allocFor('float32', BH);
  const dc0 = allocFor('float32', BH);
  const work = allocWork(BH, args.lengths);
  rt.exports.lstmBackwardF32(
    ptr(saved.gates), ptr(saved.cPrev), ptr(saved.cellTanh), ptr(args.dOutput), ptr(args.weightHh),
    work.lengths, args.reverse ? 1 : 0, T, B, H,
    ptr(args.dhN), ptr(args.dcN), dh0, dc0, dGates, work.floats, rt.matmulScratch(1),
  );
  const [dBiasIh, dBiasHh] = args.biasIh === null ? [null, null] : columnSums(dGates, T * B, G, true);
  const dg = matrixOf(dGates, T * B, G);
  return { ...weightGrads(args, dims, dg, dg, saved.hPrev), dh0, dc0, dBiasIh, dBiasHh };
}

function gruSequence(args: RecurrentSequenceArgs): GruSequenceResult {
  const { T, B, I, H } = dimsOf('gruSequence', args);
  const G = 3 * H, BH = B * H;
  const rt = runtime();
  const xp = product(asMatrix(args.x, T * B, I), args.weightIh, false, true, T * B, G);
  const output = allocFor('float32', T * BH);
  const hN = allocFor('float32', BH);
  const gates = allocFor('float32', T * B * 4 * H);
  const hPrev = allocFor('float32', T * BH);
  const work = allocWork(B * G, args.lengths);
  rt.exports.gruForwardF32(
    xp, ptr(args.weightHh), args.biasIh === null ? 0 : ptr(args.biasIh), args.biasHh === null ? 0 : ptr(args.biasHh),
    ptr(args.h0), work.lengths, args.reverse ? 1 : 0, T, B, H,
    output, hN, gates, hPrev, work.floats, rt.matmulScratch(1),
  );
  return { output, hN, gates, hPrev };
}

function gruSequenceBackward(args: GruSequenceBackwardArgs): RecurrentSequenceGrads {
  const dims = dimsOf('gruSequenceBackward', args);
  const { T, B, H } = dims;
  const G = 3 * H, BH = B * H;
  const rt = runtime();
  const dGi = rt.heap.alloc(T * B * G * 4);
  const dGh = rt.heap.alloc(T * B * G * 4);
  const dh0 = allocFor('float32', BH);
  const work = allocWork(BH, args.lengths);
  rt.exports.gruBackwardF32(
    ptr(args.saved.gates), ptr(args.saved.hPrev), ptr(args.dOutput), ptr(args.weightHh),
    work.lengths, args.reverse ? 1 : 0, T, B, H,
    ptr(args.dhN), dh0, dGi, dGh, work.floats, rt.matmulScratch(1),
  );
  const hasBias = args.biasIh !== null;
  const dBiasIh = hasBias ? columnSums(dGi, T * B, G, false)[0] : null;
  const dBiasHh = hasBias ? columnSums(dGh, T * B, G, false)[0] : null;
  const grads = weightGrads(args, dims, matrixOf(dGi, T * B, G), matrixOf(dGh, T * B, G), args.saved.hPrev);
  return { ...grads, dh0, dBiasIh, dBiasHh };
}

/**
 * The wasm backend's fused recurrent kernels (float32; see tensor-core's `FusedRecurrentKernels` for the
 * contract), each run in a call frame. The input projection and the weight gradients are single products over all
 * steps on the threaded matmul; each time loop runs in wasm (assembly/lstm.ts, assembly/gru.ts), one product and
 * one f32x4 pass per step.
 */
export const fusedRecurrentKernels: FusedRecurrentKernels = framedTable({
  lstmSequence,
  lstmSequenceBackward,
  gruSequence,
  gruSequenceBackward,
});
