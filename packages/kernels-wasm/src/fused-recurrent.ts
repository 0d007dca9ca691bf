// The wasm backend's fused LSTM/GRU sequence kernels: all-steps products on the threaded matmul, time loops in wasm.
//
// Each time step needs one recurrent product ([B, H]×[H, G·H] forward, [B, G·H]×[G·H, H] backward). When that
// product is big enough to share (StepProduct.shareable) the step loop runs here, posting each product to the
// worker pool and calling wasm for the gate math of each step; otherwise the whole loop runs in wasm on the
// calling thread (assembly/lstm.ts, assembly/gru.ts).
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
import { StepProduct } from './step-product.js';

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
 * A `[rows, cols]` float32 scratch storage and its address in this call's memory. The wasm loops write the
 * gradients at that address; products that take the storage as an operand then find it already staged (a call
 * stages each storage once) and read those values in place, with no copy out of wasm memory and back.
 */
function stagedScratch(rows: number, cols: number): { info: TensorInfo; at: number } {
  const info: TensorInfo = { handle: new Float32Array(rows * cols), shape: [rows, cols], dtype: 'float32', size: rows * cols };
  return { info, at: ptr(info) };
}

/** op(a)·op(b) as a new `[m, n]` block of this call, on the threaded matmul of kernels/matmul.ts. */
function product(a: TensorInfo, b: TensorInfo, transA: boolean, transB: boolean, m: number, n: number): number {
  const outShape: Shape = [m, n];
  return matmulKernels.matmul(a, b, transA, transB, outShape) as number;
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

/** This call's scratch: `floats` float32 values, then a copy of `lengths` when given (address 0 when not). */
function allocWork(floats: number, lengths: Int32Array | null): { floats: number; lengths: number } {
  const heap = runtime().heap;
  const block = heap.alloc(floats * 4 + (lengths === null ? 0 : lengths.length * 4));
  const at = block + floats * 4;
  if (lengths !== null) heap.i32.set(lengths, at >>> 2);
  return { floats: block, lengths: lengths === null ? 0 : at };
}

/** True when some sequence has a valid step at time t. */
function anyValid(lengths: Int32Array | null, t: number): boolean {
  if (lengths === null) return true;
  for (let b = 0; b < lengths.length; b++) if (t < lengths[b]) return true;
  return false;
}

function lstmSequence(args: LstmSequenceArgs): LstmSequenceResult {
  const { T, B, I, H } = dimsOf('lstmSequence', args);
  const G = 4 * H,
    BH = B * H;
  const rt = runtime();
  // x·W_ihᵀ for all steps at once; the time loop then overwrites it with the activated gates.
  const gates = product(asMatrix(args.x, T * B, I), args.weightIh, false, true, T * B, G);
  const output = allocFor('float32', T * BH);
  const hN = allocFor('float32', BH);
  const cN = allocFor('float32', BH);
  const cPrev = allocFor('float32', T * BH);
  const cellTanh = allocFor('float32', T * BH);
  const hPrev = allocFor('float32', T * BH);
  const bih = args.biasIh === null ? 0 : ptr(args.biasIh),
    bhh = args.biasHh === null ? 0 : ptr(args.biasHh);
  const whh = ptr(args.weightHh),
    h0 = ptr(args.h0),
    c0 = ptr(args.c0);
  const work = allocWork(B * G, args.lengths);
  const ex = rt.exports;
  const step = new StepProduct(B, G, H, true);
  if (!step.shareable) {
    ex.lstmForwardF32(
      gates,
      whh,
      bih,
      bhh,
      h0,
      c0,
      work.lengths,
      args.reverse ? 1 : 0,
      T,
      B,
      H,
      output,
      hN,
      cN,
      cPrev,
      cellTanh,
      hPrev,
      work.floats,
      step.scratch,
    );
  } else {
    copyBlock(hN, h0, BH * 4);
    copyBlock(cN, c0, BH * 4);
    for (let s = 0; s < T; s++) {
      const t = args.reverse ? T - 1 - s : s;
      const valid = anyValid(args.lengths, t);
      if (valid) step.run(hN, whh, work.floats);
      ex.lstmStepF32(gates, valid ? work.floats : 0, bih, bhh, work.lengths, t, B, H, hN, cN, output, cPrev, cellTanh, hPrev);
    }
  }
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
  const G = 4 * H,
    BH = B * H;
  const rt = runtime();
  const { saved, lengths } = args;
  const gates = ptr(saved.gates),
    cPrev = ptr(saved.cPrev),
    cellTanh = ptr(saved.cellTanh),
    dOut = ptr(args.dOutput);
  const whh = ptr(args.weightHh),
    dhN = ptr(args.dhN),
    dcN = ptr(args.dcN);
  const dGatesScratch = stagedScratch(T * B, G);
  const dGates = dGatesScratch.at;
  const dh0 = allocFor('float32', BH);
  const dc0 = allocFor('float32', BH);
  const hasBias = args.biasIh !== null;
  const dBiasIh = hasBias ? allocFor('float32', G) : null;
  const dBiasHh = hasBias ? allocFor('float32', G) : null;
  const acc = hasBias ? zeroedF64(G) : 0;
  const work = allocWork(BH, lengths);
  const ex = rt.exports;
  const step = new StepProduct(B, H, G, false);
  if (!step.shareable) {
    ex.lstmBackwardF32(
      gates,
      cPrev,
      cellTanh,
      dOut,
      whh,
      work.lengths,
      args.reverse ? 1 : 0,
      T,
      B,
      H,
      dhN,
      dcN,
      dh0,
      dc0,
      dGates,
      acc,
      dBiasIh ?? 0,
      dBiasHh ?? 0,
      work.floats,
      step.scratch,
    );
  } else {
    copyBlock(dh0, dhN, BH * 4);
    copyBlock(dc0, dcN, BH * 4);
    for (let s = T - 1; s >= 0; s--) {
      const t = args.reverse ? T - 1 - s : s;
      if (!ex.lstmBackwardStepF32(gates, cPrev, cellTanh, dOut, work.lengths, t, B, H, dh0, dc0, dGates, acc)) continue;
      const dgStep = dGates + t * B * G * 4;
      if (work.lengths === 0) step.run(dgStep, whh, dh0);
      else {
        step.run(dgStep, whh, work.floats);
        ex.mergeValidRowsF32(work.floats, dh0, work.lengths, t, B, H, 0);
      }
    }
    if (hasBias) ex.storeColumnSumsF32(acc, G, dBiasIh!, dBiasHh!);
  }
  const dg = dGatesScratch.info;
  return { ...weightGrads(args, dims, dg, dg, saved.hPrev), dh0, dc0, dBiasIh, dBiasHh };
}

function gruSequence(args: RecurrentSequenceArgs): GruSequenceResult {
  const { T, B, I, H } = dimsOf('gruSequence', args);
  const G = 3 * H,
    BH = B * H;
  const rt = runtime();
  const xp = product(asMatrix(args.x, T * B, I), args.weightIh, false, true, T * B, G);
  const output = allocFor('float32', T * BH);
  const hN = allocFor('float32', BH);
  const gates = allocFor('float32', T * B * 4 * H);
  const hPrev = allocFor('float32', T * BH);
  const bih = args.biasIh === null ? 0 : ptr(args.biasIh),
    bhh = args.biasHh === null ? 0 : ptr(args.biasHh);
  const whh = ptr(args.weightHh),
    h0 = ptr(args.h0);
  const work = allocWork(B * G, args.lengths);
  const ex = rt.exports;
  const step = new StepProduct(B, G, H, true);
  if (!step.shareable) {
    ex.gruForwardF32(xp, whh, bih, bhh, h0, work.lengths, args.reverse ? 1 : 0, T, B, H, output, hN, gates, hPrev, work.floats, step.scratch);
  } else {
    copyBlock(hN, h0, BH * 4);
    for (let s = 0; s < T; s++) {
      const t = args.reverse ? T - 1 - s : s;
      const valid = anyValid(args.lengths, t);
      if (valid) step.run(hN, whh, work.floats);
      ex.gruStepF32(xp, valid ? work.floats : 0, bih, bhh, work.lengths, t, B, H, hN, output, gates, hPrev);
    }
  }
  return { output, hN, gates, hPrev };
}

function gruSequenceBackward(args: GruSequenceBackwardArgs): RecurrentSequenceGrads {
  const dims = dimsOf('gruSequenceBackward', args);
  const { T, B, H } = dims;
  const G = 3 * H,
    BH = B * H;
  const rt = runtime();
  const gates = ptr(args.saved.gates),
    hPrev = ptr(args.saved.hPrev),
    dOut = ptr(args.dOutput);
  const whh = ptr(args.weightHh),
    dhN = ptr(args.dhN);
  const dGiScratch = stagedScratch(T * B, G),
    dGhScratch = stagedScratch(T * B, G);
  const dGi = dGiScratch.at,
    dGh = dGhScratch.at;
  const dh0 = allocFor('float32', BH);
  const hasBias = args.biasIh !== null;
  const dBiasIh = hasBias ? allocFor('float32', G) : null;
  const dBiasHh = hasBias ? allocFor('float32', G) : null;
  const accIh = hasBias ? zeroedF64(G) : 0,
    accHh = hasBias ? zeroedF64(G) : 0;
  const work = allocWork(BH, args.lengths);
  const ex = rt.exports;
  const step = new StepProduct(B, H, G, false);
  if (!step.shareable) {
    ex.gruBackwardF32(
      gates,
      hPrev,
      dOut,
      whh,
      work.lengths,
      args.reverse ? 1 : 0,
      T,
      B,
      H,
      dhN,
      dh0,
      dGi,
      dGh,
      accIh,
      accHh,
      dBiasIh ?? 0,
      dBiasHh ?? 0,
      work.floats,
      step.scratch,
    );
  } else {
    copyBlock(dh0, dhN, BH * 4);
    for (let s = T - 1; s >= 0; s--) {
      const t = args.reverse ? T - 1 - s : s;
      if (!ex.gruBackwardStepF32(gates, hPrev, dOut, work.lengths, t, B, H, dh0, dGi, dGh, accIh, accHh)) continue;
      step.run(dGh + t * B * G * 4, whh, work.floats);
      ex.mergeValidRowsF32(work.floats, dh0, work.lengths, t, B, H, 1);
    }
    if (hasBias) {
      ex.storeColumnSumsF32(accIh, G, dBiasIh!, 0);
      ex.storeColumnSumsF32(accHh, G, dBiasHh!, 0);
    }
  }
  const grads = weightGrads(args, dims, dGiScratch.info, dGhScratch.info, args.saved.hPrev);
  return { ...grads, dh0, dBiasIh, dBiasHh };
}

/**
 * The wasm backend's fused recurrent kernels (float32; see tensor-core's `FusedRecurrentKernels` for the
 * contract), each run in a call frame. The input projection and the weight gradients are single products over all
 * steps on the threaded matmul; the time loops run one recurrent product and one f32x4 pass of gate math per step.
 */
export const fusedRecurrentKernels: FusedRecurrentKernels = framedTable({
  lstmSequence,
  lstmSequenceBackward,
  gruSequence,
  gruSequenceBackward,
});
