// Backend-agnostic checks of the fused LSTM/GRU sequence kernels against naive references and finite differences.
import { expect, it } from 'vitest';
import type {
  FusedRecurrentKernels,
  GruSequenceBackwardArgs,
  GruSequenceResult,
  LstmSequenceBackwardArgs,
  LstmSequenceResult,
  TensorInfo,
} from '@seqlab/tensor-core';
import { Generator, getBackend, tensor, type DType, type Tensor } from '@seqlab/tensor-core';
import { widestFloat } from './backend-dtypes.js';
import { expectClose, randomValues } from './harness.js';

interface Case {
  T: number;
  B: number;
  I: number;
  H: number;
  reverse: boolean;
  lengths: number[] | null;
  bias: boolean;
}

const cases: Case[] = [
  { T: 4, B: 3, I: 3, H: 2, reverse: false, lengths: null, bias: true },
  { T: 4, B: 3, I: 3, H: 2, reverse: true, lengths: null, bias: true },
  { T: 5, B: 3, I: 2, H: 3, reverse: false, lengths: [5, 2, 3], bias: true },
  { T: 5, B: 3, I: 2, H: 3, reverse: true, lengths: [1, 5, 3], bias: false },
  { T: 4, B: 2, I: 3, H: 2, reverse: false, lengths: [2, 3], bias: true },
];

type Kind = 'lstm' | 'gru';

interface Inputs {
  x: Float64Array;
  h0: Float64Array;
  c0: Float64Array;
  weightIh: Float64Array;
  weightHh: Float64Array;
  biasIh: Float64Array | null;
  biasHh: Float64Array | null;
}

function randomInputs(kind: Kind, c: Case, seed: number): Inputs {
  const g = new Generator(seed);
  const G = (kind === 'lstm' ? 4 : 3) * c.H;
  return {
    x: randomValues(g, c.T * c.B * c.I, -1, 1),
    h0: randomValues(g, c.B * c.H, -1, 1),
    c0: randomValues(g, c.B * c.H, -1, 1),
    weightIh: randomValues(g, G * c.I, -0.8, 0.8),
    weightHh: randomValues(g, G * c.H, -0.8, 0.8),
    biasIh: c.bias ? randomValues(g, G, -0.5, 0.5) : null,
    biasHh: c.bias ? randomValues(g, G, -0.5, 0.5) : null,
  };
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** Naive float64 reference of the contract: returns output [T, B, H], hN, cN. */
function reference(kind: Kind, c: Case, p: Inputs): { output: Float64Array; hN: Float64Array; cN: Float64Array } {
  const { T, B, I, H } = c;
  const G = (kind === 'lstm' ? 4 : 3) * H;
  const h = Float64Array.from(p.h0);
  const cell = Float64Array.from(p.c0);
  const output = new Float64Array(T * B * H);
  for (let s = 0; s < T; s++) {
    const t = c.reverse ? T - 1 - s : s;
    for (let b = 0; b < B; b++) {
      if (c.lengths !== null && t >= c.lengths[b]) continue;
      const gi = new Float64Array(G);
      const gh = new Float64Array(G);
      for (let r = 0; r < G; r++) {
        gi[r] = p.biasIh ? p.biasIh[r] : 0;
        gh[r] = p.biasHh ? p.biasHh[r] : 0;
        for (let k = 0; k < I; k++) gi[r] += p.weightIh[r * I + k] * p.x[(t * B + b) * I + k];
        for (let k = 0; k < H; k++) gh[r] += p.weightHh[r * H + k] * h[b * H + k];
      }
      const next = new Float64Array(H);
      for (let j = 0; j < H; j++) {
        if (kind === 'lstm') {
          const i = sigmoid(gi[j] + gh[j]),
            f = sigmoid(gi[H + j] + gh[H + j]);
          const gg = Math.tanh(gi[2 * H + j] + gh[2 * H + j]),
            o = sigmoid(gi[3 * H + j] + gh[3 * H + j]);
          cell[b * H + j] = f * cell[b * H + j] + i * gg;
          next[j] = o * Math.tanh(cell[b * H + j]);
        } else {
          const r = sigmoid(gi[j] + gh[j]),
            z = sigmoid(gi[H + j] + gh[H + j]);
          const n = Math.tanh(gi[2 * H + j] + r * gh[2 * H + j]);
          next[j] = (1 - z) * n + z * h[b * H + j];
        }
      }
      for (let j = 0; j < H; j++) {
        h[b * H + j] = next[j];
        output[(t * B + b) * H + j] = next[j];
      }
    }
  }
  return { output, hN: h, cN: cell };
}

/** `[a, b, c]` values with the two leading axes swapped (`[b, a, c]`). */
function swapLeading(v: ArrayLike<number>, a: number, b: number, c: number): Float64Array {
  const out = new Float64Array(a * b * c);
  for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) for (let k = 0; k < c; k++) out[(j * a + i) * c + k] = v[(i * b + j) * c + k];
  return out;
}

/** A forward call's workspace storage as the backward call takes it: `[T, B, ·]` of `dtype`. */
function savedInfo(handle: unknown, shape: number[], dtype: DType): TensorInfo {
  return { handle, shape, dtype, size: shape.reduce((x, y) => x * y, 1) };
}

/** The saved workspace of an LSTM forward result `f` for its backward call. */
function lstmSaved(f: LstmSequenceResult, c: Case, dtype: DType): LstmSequenceBackwardArgs['saved'] {
  const seq = [c.T, c.B, c.H];
  return {
    gates: savedInfo(f.gates, [c.T, c.B, 4 * c.H], dtype),
    cPrev: savedInfo(f.cPrev, seq, dtype),
    cellTanh: savedInfo(f.cellTanh, seq, dtype),
    hPrev: savedInfo(f.hPrev, seq, dtype),
  };
}

/** The saved workspace of a GRU forward result `f` for its backward call. */
function gruSaved(f: GruSequenceResult, c: Case, dtype: DType): GruSequenceBackwardArgs['saved'] {
  return { gates: savedInfo(f.gates, [c.T, c.B, 4 * c.H], dtype), hPrev: savedInfo(f.hPrev, [c.T, c.B, c.H], dtype) };
}

/** The fused LSTM/GRU sequence kernels of `backend`, forward in every float dtype it stores, backward in the widest. */
export function fusedRecurrentSuite(backend: string): void {
  const tolerances = { float64: { rtol: 1e-12, atol: 1e-13 }, float32: { rtol: 1e-5, atol: 1e-6 } } as const;
  const forwardDTypes = getBackend(backend).dtypes.filter((d): d is keyof typeof tolerances => d in tolerances);
  // Backward runs in float64 where stored; a float32 kernel is held to the float64 differences at float32 rounding.
  const backwardDType = widestFloat(backend);
  const backwardTol = backwardDType === 'float64' ? { rtol: 1e-6, atol: 1e-8 } : { rtol: 1e-4, atol: 1e-5 };
  const kernels = (): FusedRecurrentKernels => getBackend(backend).fused as FusedRecurrentKernels;
  const read = (handle: unknown, dtype: DType, size: number): Float64Array => Float64Array.from(getBackend(backend).readSync(handle, dtype, size));
  const toTensors = (kind: Kind, c: Case, p: Inputs, dtype: DType): Record<string, Tensor | null> => {
    const G = (kind === 'lstm' ? 4 : 3) * c.H;
    const make = (v: Float64Array | null, shape: number[]): Tensor | null => (v === null ? null : tensor(v, shape, { dtype, backend }));
    return {
      x: make(p.x, [c.T, c.B, c.I]),
      h0: make(p.h0, [c.B, c.H]),
      c0: make(p.c0, [c.B, c.H]),
      weightIh: make(p.weightIh, [G, c.I]),
      weightHh: make(p.weightHh, [G, c.H]),
      biasIh: make(p.biasIh, [G]),
      biasHh: make(p.biasHh, [G]),
    };
  };
  const args = (c: Case, t: Record<string, Tensor | null>) => ({
    x: t.x as TensorInfo,
    h0: t.h0 as TensorInfo,
    c0: t.c0 as TensorInfo,
    weightIh: t.weightIh as TensorInfo,
    weightHh: t.weightHh as TensorInfo,
    biasIh: t.biasIh,
    biasHh: t.biasHh,
    lengths: c.lengths === null ? null : Int32Array.from(c.lengths),
    reverse: c.reverse,
  });

  for (const kind of ['lstm', 'gru'] as const) {
    it.each([cases[0], cases[3]])(`${kind} batch-first calls equal time-major ones with the axes swapped (reverse $reverse, lengths $lengths)`, (c) => {
      const p = randomInputs(kind, c, 4);
      const dtype = backwardDType;
      const tol = { rtol: 1e-6, atol: 1e-7 };
      const t = toTensors(kind, c, p, dtype);
      const timeMajor = args(c, t);
      const batchFirst = { ...timeMajor, x: tensor(swapLeading(p.x, c.T, c.B, c.I), [c.B, c.T, c.I], { dtype, backend }), batchFirst: true };
      const gOut = randomValues(new Generator(5), c.T * c.B * c.H);
      const dOutput = tensor(gOut, [c.T, c.B, c.H], { dtype, backend });
      const dOutputBF = tensor(swapLeading(gOut, c.T, c.B, c.H), [c.B, c.T, c.H], { dtype, backend });
      const dhN = tensor(randomValues(new Generator(6), c.B * c.H), [c.B, c.H], { dtype, backend });
      const G = (kind === 'lstm' ? 4 : 3) * c.H;
      const size = c.T * c.B;
      // Forward and backward of both layouts: the output and dx of the batch-first call, swapped back, equal the others.
      const run = (
        a: typeof timeMajor & { batchFirst?: boolean },
        dOut: Tensor,
      ): { output: Float64Array; hN: Float64Array; grads: Record<string, Float64Array> } => {
        const readAll = (r: Record<string, unknown>, names: string[], sizes: number[]): Record<string, Float64Array> =>
          Object.fromEntries(names.map((n, i) => [n, read(r[n], dtype, sizes[i])]));
        if (kind === 'lstm') {
          const f = kernels().lstmSequence(a);
          const g = kernels().lstmSequenceBackward({ ...a, saved: lstmSaved(f, c, dtype), dOutput: dOut, dhN, dcN: dhN });
          const grads = readAll({ ...g }, ['dx', 'dh0', 'dc0', 'dWeightIh', 'dWeightHh'], [size * c.I, c.B * c.H, c.B * c.H, G * c.I, G * c.H]);
          return { output: read(f.output, dtype, size * c.H), hN: read(f.hN, dtype, c.B * c.H), grads };
        }
        const f = kernels().gruSequence(a);
        const g = kernels().gruSequenceBackward({ ...a, saved: gruSaved(f, c, dtype), dOutput: dOut, dhN });
        const grads = readAll({ ...g }, ['dx', 'dh0', 'dWeightIh', 'dWeightHh'], [size * c.I, c.B * c.H, G * c.I, G * c.H]);
        return { output: read(f.output, dtype, size * c.H), hN: read(f.hN, dtype, c.B * c.H), grads };
      };
      const tm = run(timeMajor, dOutput);
      const bf = run(batchFirst, dOutputBF);
      expectClose(swapLeading(bf.output, c.B, c.T, c.H), tm.output, tol);
      expectClose(bf.hN, tm.hN, tol);
      expectClose(swapLeading(bf.grads.dx, c.B, c.T, c.I), tm.grads.dx, tol);
      for (const name of Object.keys(tm.grads).filter((n) => n !== 'dx')) expectClose(bf.grads[name], tm.grads[name], tol);
    });

    it.each(cases)(`${kind} forward matches the reference (T $T, B $B, reverse $reverse, lengths $lengths, bias $bias)`, (c) => {
      const p = randomInputs(kind, c, 1);
      const ref = reference(kind, c, p);
      for (const dtype of forwardDTypes) {
        const tol = tolerances[dtype];
        const t = toTensors(kind, c, p, dtype);
        const BH = c.B * c.H;
        if (kind === 'lstm') {
          const r = kernels().lstmSequence(args(c, t));
          expectClose(read(r.output, dtype, c.T * BH), ref.output, tol);
          expectClose(read(r.hN, dtype, BH), ref.hN, tol);
          expectClose(read(r.cN, dtype, BH), ref.cN, tol);
        } else {
          const r = kernels().gruSequence(args(c, t));
          expectClose(read(r.output, dtype, c.T * BH), ref.output, tol);
          expectClose(read(r.hN, dtype, BH), ref.hN, tol);
        }
        // Pure: the inputs are unchanged.
        expectClose(t.x as Tensor, p.x, { rtol: 0, atol: dtype === 'float64' ? 0 : 1e-7 });
        expectClose(t.h0 as Tensor, p.h0, { rtol: 0, atol: dtype === 'float64' ? 0 : 1e-7 });
      }
    });

    it.each(cases)(`${kind} backward equals central finite differences (T $T, reverse $reverse, lengths $lengths, bias $bias)`, (c) => {
      const p = randomInputs(kind, c, 2);
      const g = new Generator(3);
      const BH = c.B * c.H;
      const gOut = randomValues(g, c.T * BH),
        gH = randomValues(g, BH),
        gC = randomValues(g, BH);
      const loss = (q: Inputs): number => {
        const r = reference(kind, c, q);
        let s = 0;
        for (let i = 0; i < r.output.length; i++) s += r.output[i] * gOut[i];
        for (let i = 0; i < BH; i++) s += r.hN[i] * gH[i] + (kind === 'lstm' ? r.cN[i] * gC[i] : 0);
        return s;
      };
      const dtype = backwardDType;
      const t = toTensors(kind, c, p, dtype);
      const a = args(c, t);
      const dOutput = tensor(gOut, [c.T, c.B, c.H], { dtype, backend });
      const dhN = tensor(gH, [c.B, c.H], { dtype, backend });
      const dcN = tensor(gC, [c.B, c.H], { dtype, backend });
      let grads: Record<string, unknown>;
      if (kind === 'lstm') grads = { ...kernels().lstmSequenceBackward({ ...a, saved: lstmSaved(kernels().lstmSequence(a), c, dtype), dOutput, dhN, dcN }) };
      else grads = { ...kernels().gruSequenceBackward({ ...a, saved: gruSaved(kernels().gruSequence(a), c, dtype), dOutput, dhN }) };
      const names: [keyof Inputs, string][] = [
        ['x', 'dx'],
        ['h0', 'dh0'],
        ['weightIh', 'dWeightIh'],
        ['weightHh', 'dWeightHh'],
      ];
      if (kind === 'lstm') names.push(['c0', 'dc0']);
      if (c.bias) names.push(['biasIh', 'dBiasIh'], ['biasHh', 'dBiasHh']);
      else expect(grads.dBiasIh).toBeNull();
      for (const [input, grad] of names) {
        const values = p[input] as Float64Array;
        const numeric = new Float64Array(values.length);
        const eps = 1e-6;
        for (let i = 0; i < values.length; i++) {
          const keep = values[i];
          values[i] = keep + eps;
          const up = loss(p);
          values[i] = keep - eps;
          const down = loss(p);
          values[i] = keep;
          numeric[i] = (up - down) / (2 * eps);
        }
        expectClose(read(grads[grad], dtype, values.length), numeric, backwardTol);
      }
    });
  }
}
