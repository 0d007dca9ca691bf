// CPU fused LSTM/GRU sequence kernels: one input-projection GEMM, then per step one recurrent GEMM and one pass of gate math.
import type { TensorInfo } from '../backend.js';
import { allocArray, type DType } from '../dtype.js';
import type {
  FusedRecurrentKernels,
  GruSequenceBackwardArgs,
  GruSequenceResult,
  LstmSequenceArgs,
  LstmSequenceBackwardArgs,
  LstmSequenceGrads,
  LstmSequenceResult,
  RecurrentSequenceArgs,
  RecurrentSequenceGrads,
} from '../fused-recurrent.js';
import { matmulKernels } from './matmul.js';

type FloatArray = Float32Array | Float64Array;

function info(handle: FloatArray, shape: number[], dtype: DType): TensorInfo {
  return { handle, shape, dtype, size: handle.length };
}

function data(t: TensorInfo): FloatArray {
  return t.handle as FloatArray;
}

/** `a · op(b)` through the CPU GEMM, with `a` viewed as `[m, k]` (`[k, m]` when `transA`). */
function product(a: FloatArray, aShape: number[], b: TensorInfo | FloatArray, bShape: number[], transA: boolean, transB: boolean, dtype: DType): FloatArray {
  const m = transA ? aShape[1] : aShape[0];
  const n = transB ? bShape[0] : bShape[1];
  const bInfo = ArrayBuffer.isView(b) ? info(b, bShape, dtype) : b;
  return matmulKernels.matmul(info(a, aShape, dtype), bInfo, transA, transB, [m, n]) as FloatArray;
}

/** Column sums of a `[rows, cols]` matrix, accumulated in float64. */
function columnSums(m: FloatArray, rows: number, cols: number, dtype: DType): FloatArray {
  const acc = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let j = 0; j < cols; j++) acc[j] += m[o + j];
  }
  const out = allocArray(dtype, cols) as FloatArray;
  out.set(acc);
  return out;
}

function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

/** The sequence dimensions and the input projection `x·W_ihᵀ + b_ih (+ b_hh when `foldHiddenBias`)`, `[T·B, G·H]`. */
function project(args: RecurrentSequenceArgs, foldHiddenBias: boolean): { T: number; B: number; I: number; H: number; xp: FloatArray } {
  const [T, B, I] = args.x.shape;
  const H = args.h0.shape[1];
  const G = args.weightIh.shape[0];
  const xp = product(data(args.x), [T * B, I], args.weightIh, [G, I], false, true, args.x.dtype);
  if (args.biasIh !== null && args.biasHh !== null) {
    const bi = data(args.biasIh),
      bh = data(args.biasHh);
    const bias = new Float64Array(G);
    for (let j = 0; j < G; j++) bias[j] = foldHiddenBias ? bi[j] + bh[j] : bi[j];
    for (let r = 0, o = 0; r < T * B; r++, o += G) for (let j = 0; j < G; j++) xp[o + j] += bias[j];
  }
  return { T, B, I, H, xp };
}

function isValid(lengths: Int32Array | null, t: number, b: number): boolean {
  return lengths === null || t < lengths[b];
}

/** True when some sequence has a valid step at time t. */
function anyValid(lengths: Int32Array | null, t: number): boolean {
  if (lengths === null) return true;
  for (let b = 0; b < lengths.length; b++) if (t < lengths[b]) return true;
  return false;
}

function lstmSequence(args: LstmSequenceArgs): LstmSequenceResult {
  const dtype = args.x.dtype;
  const { T, B, H, xp } = project(args, true);
  const G = 4 * H,
    BH = B * H;
  // The projection buffer is rewritten in place with the activated gates; nothing else reads it.
  const gates = xp;
  const output = allocArray(dtype, T * BH) as FloatArray;
  const cPrev = allocArray(dtype, T * BH) as FloatArray;
  const cellTanh = allocArray(dtype, T * BH) as FloatArray;
  const hPrev = allocArray(dtype, T * BH) as FloatArray;
  const h = allocArray(dtype, BH) as FloatArray;
  const c = allocArray(dtype, BH) as FloatArray;
  h.set(data(args.h0));
  c.set(data(args.c0));
  const { lengths, weightHh } = args;
  for (let s = 0; s < T; s++) {
    const t = args.reverse ? T - 1 - s : s;
    hPrev.set(h, t * BH);
    cPrev.set(c, t * BH);
    if (!anyValid(lengths, t)) continue;
    const hh = product(h, [B, H], weightHh, [G, H], false, true, dtype);
    for (let b = 0; b < B; b++) {
      if (!isValid(lengths, t, b)) continue;
      const go = (t * B + b) * G,
        ho = b * G,
        so = b * H,
        oo = t * BH + so;
      for (let j = 0; j < H; j++) {
        const ig = sigmoid(gates[go + j] + hh[ho + j]);
        const fg = sigmoid(gates[go + H + j] + hh[ho + H + j]);
        const gg = Math.tanh(gates[go + 2 * H + j] + hh[ho + 2 * H + j]);
        const og = sigmoid(gates[go + 3 * H + j] + hh[ho + 3 * H + j]);
        gates[go + j] = ig;
        gates[go + H + j] = fg;
        gates[go + 2 * H + j] = gg;
        gates[go + 3 * H + j] = og;
        c[so + j] = fg * c[so + j] + ig * gg;
        // Read back through the storage so float32 layers use the rounded cell state, as composed ops do.
        const tc = Math.tanh(c[so + j]);
        cellTanh[oo + j] = tc;
        const hn = og * tc;
        h[so + j] = hn;
        output[oo + j] = hn;
      }
    }
  }
  return { output, hN: h, cN: c, gates, cPrev, cellTanh, hPrev };
}

/** dx, dW_ih, dW_hh from the stacked pre-activation gradients: one GEMM each over all steps. */
function weightGrads(
  args: RecurrentSequenceArgs,
  dGi: FloatArray,
  dGh: FloatArray,
  hPrev: FloatArray,
  T: number,
  B: number,
  I: number,
  H: number,
): Pick<RecurrentSequenceGrads, 'dx' | 'dWeightIh' | 'dWeightHh'> {
  const dtype = args.x.dtype;
  const G = args.weightIh.shape[0];
  return {
    dx: product(dGi, [T * B, G], args.weightIh, [G, I], false, false, dtype),
    dWeightIh: product(dGi, [T * B, G], data(args.x), [T * B, I], true, false, dtype),
    dWeightHh: product(dGh, [T * B, G], hPrev, [T * B, H], true, false, dtype),
  };
}

function toDType(values: Float64Array, dtype: DType): FloatArray {
  const out = allocArray(dtype, values.length) as FloatArray;
  out.set(values);
  return out;
}

function lstmSequenceBackward(args: LstmSequenceBackwardArgs): LstmSequenceGrads {
  const dtype = args.x.dtype;
  const [T, B, I] = args.x.shape;
  const H = args.h0.shape[1];
  const G = 4 * H,
    BH = B * H;
  const gates = data(args.saved.gates),
    cPrev = data(args.saved.cPrev),
    cellTanh = data(args.saved.cellTanh);
  const dOut = data(args.dOutput);
  const dGates = allocArray(dtype, T * B * G) as FloatArray;
  // State gradients are carried in float64; they only become tensors at the end.
  const dh = Float64Array.from(data(args.dhN));
  const dc = Float64Array.from(data(args.dcN));
  const { lengths, weightHh } = args;
  for (let s = T - 1; s >= 0; s--) {
    const t = args.reverse ? T - 1 - s : s;
    if (!anyValid(lengths, t)) continue;
    for (let b = 0; b < B; b++) {
      if (!isValid(lengths, t, b)) continue;
      const go = (t * B + b) * G,
        so = b * H,
        oo = t * BH + so;
      for (let j = 0; j < H; j++) {
        const ig = gates[go + j],
          fg = gates[go + H + j],
          gg = gates[go + 2 * H + j],
          og = gates[go + 3 * H + j];
        const tc = cellTanh[oo + j];
        const dhj = dh[so + j] + dOut[oo + j];
        const dcj = dc[so + j] + dhj * og * (1 - tc * tc);
        dc[so + j] = dcj * fg;
        dGates[go + j] = dcj * gg * ig * (1 - ig);
        dGates[go + H + j] = dcj * cPrev[oo + j] * fg * (1 - fg);
        dGates[go + 2 * H + j] = dcj * ig * (1 - gg * gg);
        dGates[go + 3 * H + j] = dhj * tc * og * (1 - og);
      }
    }
    const step = dGates.subarray(t * B * G, (t + 1) * B * G);
    const dhRec = product(step, [B, G], weightHh, [G, H], false, false, dtype);
    for (let b = 0; b < B; b++) {
      if (!isValid(lengths, t, b)) continue;
      const so = b * H;
      for (let j = 0; j < H; j++) dh[so + j] = dhRec[so + j];
    }
  }
  const hPrev = data(args.saved.hPrev);
  const hasBias = args.biasIh !== null;
  return {
    ...weightGrads(args, dGates, dGates, hPrev, T, B, I, H),
    dh0: toDType(dh, dtype),
    dc0: toDType(dc, dtype),
    dBiasIh: hasBias ? columnSums(dGates, T * B, G, dtype) : null,
    dBiasHh: hasBias ? columnSums(dGates, T * B, G, dtype) : null,
  };
}

function gruSequence(args: RecurrentSequenceArgs): GruSequenceResult {
  const dtype = args.x.dtype;
  const { T, B, H, xp } = project(args, false);
  const G = 3 * H,
    BH = B * H;
  const gates = allocArray(dtype, T * B * 4 * H) as FloatArray;
  const output = allocArray(dtype, T * BH) as FloatArray;
  const hPrev = allocArray(dtype, T * BH) as FloatArray;
  const h = allocArray(dtype, BH) as FloatArray;
  h.set(data(args.h0));
  const bh = args.biasHh === null ? new Float64Array(G) : Float64Array.from(data(args.biasHh));
  const { lengths, weightHh } = args;
  for (let s = 0; s < T; s++) {
    const t = args.reverse ? T - 1 - s : s;
    hPrev.set(h, t * BH);
    if (!anyValid(lengths, t)) continue;
    const hh = product(h, [B, H], weightHh, [G, H], false, true, dtype);
    for (let b = 0; b < B; b++) {
      if (!isValid(lengths, t, b)) continue;
      const xo = (t * B + b) * G,
        go = (t * B + b) * 4 * H,
        ho = b * G,
        so = b * H,
        oo = t * BH + so;
      for (let j = 0; j < H; j++) {
        const r = sigmoid(xp[xo + j] + hh[ho + j] + bh[j]);
        const z = sigmoid(xp[xo + H + j] + hh[ho + H + j] + bh[H + j]);
        const ghn = hh[ho + 2 * H + j] + bh[2 * H + j];
        const n = Math.tanh(xp[xo + 2 * H + j] + r * ghn);
        gates[go + j] = r;
        gates[go + H + j] = z;
        gates[go + 2 * H + j] = n;
        gates[go + 3 * H + j] = ghn;
        const hn = (1 - z) * n + z * h[so + j];
        h[so + j] = hn;
        output[oo + j] = hn;
      }
    }
  }
  return { output, hN: h, gates, hPrev };
}

function gruSequenceBackward(args: GruSequenceBackwardArgs): RecurrentSequenceGrads {
  const dtype = args.x.dtype;
  const [T, B, I] = args.x.shape;
  const H = args.h0.shape[1];
  const G = 3 * H,
    BH = B * H;
  const gates = data(args.saved.gates),
    hPrev = data(args.saved.hPrev);
  const dOut = data(args.dOutput);
  const dGi = allocArray(dtype, T * B * G) as FloatArray;
  const dGh = allocArray(dtype, T * B * G) as FloatArray;
  const dh = Float64Array.from(data(args.dhN));
  const { lengths, weightHh } = args;
  for (let s = T - 1; s >= 0; s--) {
    const t = args.reverse ? T - 1 - s : s;
    if (!anyValid(lengths, t)) continue;
    for (let b = 0; b < B; b++) {
      if (!isValid(lengths, t, b)) continue;
      const go = (t * B + b) * 4 * H,
        dgo = (t * B + b) * G,
        so = b * H,
        oo = t * BH + so;
      for (let j = 0; j < H; j++) {
        const r = gates[go + j],
          z = gates[go + H + j],
          n = gates[go + 2 * H + j],
          ghn = gates[go + 3 * H + j];
        const dhj = dh[so + j] + dOut[oo + j];
        const dnPre = dhj * (1 - z) * (1 - n * n);
        const drPre = dnPre * ghn * r * (1 - r);
        const dzPre = dhj * (hPrev[oo + j] - n) * z * (1 - z);
        dGi[dgo + j] = drPre;
        dGi[dgo + H + j] = dzPre;
        dGi[dgo + 2 * H + j] = dnPre;
        dGh[dgo + j] = drPre;
        dGh[dgo + H + j] = dzPre;
        dGh[dgo + 2 * H + j] = dnPre * r;
        // The direct path through h' = … + z·h; the recurrent product is added below.
        dh[so + j] = dhj * z;
      }
    }
    const step = dGh.subarray(t * B * G, (t + 1) * B * G);
    const dhRec = product(step, [B, G], weightHh, [G, H], false, false, dtype);
    for (let b = 0; b < B; b++) {
      if (!isValid(lengths, t, b)) continue;
      const so = b * H;
      for (let j = 0; j < H; j++) dh[so + j] += dhRec[so + j];
    }
  }
  const hasBias = args.biasIh !== null;
  return {
    ...weightGrads(args, dGi, dGh, hPrev, T, B, I, H),
    dh0: toDType(dh, dtype),
    dBiasIh: hasBias ? columnSums(dGi, T * B, G, dtype) : null,
    dBiasHh: hasBias ? columnSums(dGh, T * B, G, dtype) : null,
  };
}

/** The CPU backend's fused recurrent kernels (see {@link FusedRecurrentKernels} for the contract). */
export const fusedRecurrentKernels: FusedRecurrentKernels = {
  lstmSequence,
  lstmSequenceBackward,
  gruSequence,
  gruSequenceBackward,
};
