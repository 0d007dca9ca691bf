// The gpu fused kernels called directly, in whatever gpu.js mode the caller started: attention and LayerNorm against the
// cpu backend's fused kernels, Adam against its formula, all on the same float32 inputs; the compile cache over repeated
// calls; no texture left behind. Run by a browser test (WebGL2) and a Node test (gpu.js's webasm mode).
import { describe, expect, it } from 'vitest';
import {
  Generator,
  getBackend,
  randn,
  sizeOf,
  tensor,
  type AttentionMaskOperand,
  type FusedAttentionProblem,
  type FusedKernels,
  type Tensor,
  type TensorInfo,
} from '@seqlab/tensor-core';
import { scaledDotProductAttention } from '@seqlab/attention';
import { backendInfo, compileCount, gpuFusedKernels } from '@seqlab/kernels-gpu';
import { expectClose } from '@seqlab/test-utils/suites';

const F32 = { rtol: 1e-4, atol: 1e-5 };

/** The same float32 values as a tensor on `backend`. */
function on(backend: string, values: Float32Array, shape: number[]): Tensor {
  return tensor(values, shape, { dtype: 'float32', backend });
}

/** Seeded float32 values in roughly N(0, 1). */
function values(g: Generator, size: number): Float32Array {
  return randn([size], { generator: g, dtype: 'float32' }).dataSync() as Float32Array;
}

/** Reads a float32 handle of `backend`. */
function read(backend: string, handle: unknown, size: number): Float32Array {
  return getBackend(backend).readSync(handle, 'float32', size) as Float32Array;
}

const fusedOf = (backend: string): FusedKernels => getBackend(backend).fused!;

/** An attention problem's sizes (batch, heads, queries, keys, key width, value width) and options. */
interface AttentionCase extends Record<'B' | 'H' | 'L' | 'S' | 'D' | 'Dv', number> {
  name: string;
  /** Queries, keys and values read from one packed `[B, L, 3·H·D]` projection (self-attention, L = S, D = Dv). */
  packed: boolean;
  causalOffset: number | null;
  mask: 'none' | 'padding' | 'full';
  bias: boolean;
  dropout: boolean;
  layout: 'heads' | 'batchFirst' | 'sequenceFirst';
  gradWeights: boolean;
}

const CASES: AttentionCase[] = [
  {
    name: 'plain',
    B: 2,
    H: 2,
    L: 3,
    S: 4,
    D: 3,
    Dv: 2,
    packed: false,
    causalOffset: null,
    mask: 'none',
    bias: false,
    dropout: false,
    layout: 'heads',
    gradWeights: false,
  },
  {
    name: 'causal with an offset, bias, [B, L, H·Dv] output',
    B: 2,
    H: 2,
    L: 3,
    S: 5,
    D: 2,
    Dv: 3,
    packed: false,
    causalOffset: 2,
    mask: 'none',
    bias: true,
    dropout: false,
    layout: 'batchFirst',
    gradWeights: true,
  },
  {
    name: 'padding mask with a fully masked row, dropout',
    B: 2,
    H: 3,
    L: 4,
    S: 4,
    D: 2,
    Dv: 2,
    packed: false,
    causalOffset: null,
    mask: 'full',
    bias: false,
    dropout: true,
    layout: 'heads',
    gradWeights: true,
  },
  {
    name: 'packed q/k/v of one projection sharing a gradient slot, key padding, [L, B, H·Dv] output',
    B: 2,
    H: 2,
    L: 4,
    S: 4,
    D: 3,
    Dv: 3,
    packed: true,
    causalOffset: 0,
    mask: 'padding',
    bias: false,
    dropout: false,
    layout: 'sequenceFirst',
    gradWeights: false,
  },
];

/** The operands, masks and layout of `c` on `backend`, from the seeded values of `g` (same values on every backend). */
function attentionProblem(
  c: AttentionCase,
  backend: string,
  seed: number,
): { problem: FusedAttentionProblem; sources: Tensor[]; slots: [number, number, number] } {
  const g = new Generator(seed);
  const { B, H, L, S, D, Dv } = c;
  const sources: Tensor[] = [];
  let q, k, v;
  let slots: [number, number, number];
  if (c.packed) {
    const E = H * D;
    const x = on(backend, values(g, B * L * 3 * E), [B, L, 3 * E]);
    sources.push(x);
    const view = (offset: number) => ({ handle: x.handle, offset, batchStride: L * 3 * E, headStride: D, rowStride: 3 * E });
    [q, k, v] = [view(0), view(E), view(2 * E)];
    slots = [0, 0, 0];
  } else {
    const make = (rows: number, cols: number) => {
      const t = on(backend, values(g, B * H * rows * cols), [B, H, rows, cols]);
      sources.push(t);
      return { handle: t.handle, offset: 0, batchStride: H * rows * cols, headStride: rows * cols, rowStride: cols };
    };
    [q, k, v] = [make(L, D), make(S, D), make(S, Dv)];
    slots = [0, 1, 2];
  }
  let mask: AttentionMaskOperand | null = null;
  if (c.mask === 'padding') {
    const bits = Array.from({ length: B * S }, (_, i) => i % S === S - 1 && i >= S);
    mask = { handle: tensor(bits, [B, S], { dtype: 'bool', backend }).handle, batchStride: S, headStride: 0, rowStride: 0, colStride: 1 };
  } else if (c.mask === 'full') {
    // Row 1 sees nothing; the others lose every third key.
    const bits = Array.from({ length: L * S }, (_, i) => i % 3 === 1 || (i >= S && i < 2 * S));
    mask = { handle: tensor(bits, [L, S], { dtype: 'bool', backend }).handle, batchStride: 0, headStride: 0, rowStride: S, colStride: 1 };
  }
  const bias = c.bias ? { handle: on(backend, values(g, L * S), [L, S]).handle, batchStride: 0, headStride: 0, rowStride: S, colStride: 1 } : null;
  let dropout = null;
  if (c.dropout) {
    const keep = Float32Array.from(values(g, B * H * L * S), (u) => (u > -0.6 ? 1 / 0.75 : 0));
    dropout = on(backend, keep, [B, H, L, S]).handle;
  }
  const outStrides: [number, number, number] =
    c.layout === 'heads' ? [H * L * Dv, L * Dv, Dv] : c.layout === 'batchFirst' ? [L * H * Dv, Dv, H * Dv] : [H * Dv, Dv, B * H * Dv];
  const outShape = c.layout === 'heads' ? [B, H, L, Dv] : c.layout === 'batchFirst' ? [B, L, H * Dv] : [L, B, H * Dv];
  const dims = { batch: B, heads: H, queryLength: L, keyLength: S, headDim: D, valueDim: Dv };
  const scale = 1 / Math.sqrt(D);
  const problem: FusedAttentionProblem = { dtype: 'float32', ...dims, q, k, v, scale, causalOffset: c.causalOffset, mask, bias, dropout, outStrides, outShape };
  return { problem, sources, slots };
}

/** Forward and backward of case `c` on `backend`, read back as float32 arrays. */
function runAttention(c: AttentionCase, backend: string): Record<string, Float32Array> {
  const { problem, sources, slots } = attentionProblem(c, backend, 1);
  const kernels = fusedOf(backend);
  const n = c.B * c.H * c.L * c.S;
  const outSize = c.B * c.H * c.L * c.Dv;
  const { out, probs } = kernels.attention!(problem, true);
  const g = new Generator(2);
  const gradOut = on(backend, values(g, outSize), [outSize]).handle;
  const gradWeights = c.gradWeights ? on(backend, values(g, n), [n]).handle : null;
  const grads = kernels.attentionBackward!(problem, { probs: probs!, gradOut, gradWeights, slots, slotShapes: sources.map((s) => s.shape) });
  const result: Record<string, Float32Array> = { out: read(backend, out, outSize), probs: read(backend, probs, n) };
  grads.forEach((h, i) => (result[`grad${i}`] = read(backend, h, sources[i].size)));
  return result;
}

/**
 * Declares the fused-kernel tests on the `gpu` backend, started by the caller in a gpu.js mode whose kernels report
 * `kernelMode` (`gpu` for WebGL2, `webasm`).
 */
export function fusedKernelsSuite(kernelMode: string): void {
  it(`runs on gpu.js ${kernelMode} kernels`, () => {
    expect(backendInfo().kernelMode).toBe(kernelMode);
  });

  it.each(CASES)('attention forward and backward: $name', (c) => {
    const gpu = runAttention(c, 'gpu');
    const cpu = runAttention(c, 'cpu');
    for (const name of Object.keys(cpu)) expectClose(gpu[name], cpu[name], F32);
    if (c.mask === 'full') expect(Array.from(gpu.probs.slice(c.S, 2 * c.S))).toEqual(new Array(c.S).fill(0));
  });

  it('attention dropout drawn from a seeded generator gives, on the fused gpu path, the numbers cpu gives for the same seed', () => {
    const run = (backend: string) => {
      const g = new Generator(11);
      const [q, k, v] = [
        [2, 2, 4, 3],
        [2, 2, 5, 3],
        [2, 2, 5, 2],
      ].map((shape) => randn(shape, { generator: g, dtype: 'float32', backend }));
      const calls = { attention: 0 };
      const fused = getBackend(backend).fused!;
      const original = fused.attention!;
      Reflect.set(fused, 'attention', (...a: Parameters<typeof original>) => (calls.attention++, original(...a)));
      try {
        const r = scaledDotProductAttention(q, k, v, { dropout: 0.3, generator: new Generator(5), returnWeights: true });
        return { output: r.output.dataSync(), weights: r.weights!.dataSync(), calls: calls.attention };
      } finally {
        Reflect.set(fused, 'attention', original);
      }
    };
    const gpu = run('gpu');
    const cpu = run('cpu');
    expect(gpu.calls).toBe(1);
    // The same weights were dropped: exact zeros in the same places, the kept ones scaled alike.
    expect(Array.from(gpu.weights, (w) => w === 0)).toEqual(Array.from(cpu.weights, (w) => w === 0));
    expectClose(gpu.weights, cpu.weights, F32);
    expectClose(gpu.output, cpu.output, F32);
  });

  it.each([
    { shape: [3, 4, 6], affine: true },
    { shape: [5, 7], affine: false },
    { shape: [2, 300], affine: true },
  ])('layerNorm forward and backward: x $shape, affine $affine', ({ shape, affine }) => {
    const run = (backend: string) => {
      const g = new Generator(4);
      const size = shape.reduce((a, b) => a * b, 1);
      const D = shape[shape.length - 1];
      const x = on(backend, values(g, size), shape);
      const w = affine ? on(backend, values(g, D), [D]) : null;
      const b = affine ? on(backend, values(g, D), [D]) : null;
      const dy = on(backend, values(g, size), shape);
      const k = fusedOf(backend);
      const fwd = k.layerNorm!(x, w, b, 1e-5);
      const rows = size / D;
      const info = (h: unknown, s: number[]): TensorInfo => ({ handle: h, shape: s, dtype: 'float32', size: s.reduce((p, q) => p * q, 1) });
      const bwd = k.layerNormBackward!(dy, x, w, info(fwd.mean, [rows]), info(fwd.rstd, [rows]));
      return {
        output: read(backend, fwd.output, size),
        mean: read(backend, fwd.mean, rows),
        rstd: read(backend, fwd.rstd, rows),
        dx: read(backend, bwd.dx, size),
        dWeight: read(backend, bwd.dWeight, D),
        dBias: read(backend, bwd.dBias, D),
      };
    };
    const gpu = run('gpu');
    const cpu = run('cpu');
    for (const name of Object.keys(cpu) as (keyof typeof cpu)[]) expectClose(gpu[name], cpu[name], F32);
  });

  it.each([
    ['Adam', false, 0.05],
    ['AdamW', true, 0.1],
  ] as const)('%s step against the formula in float64, over three steps', (_name, decoupled, weightDecay) => {
    const g = new Generator(9);
    const n = 20;
    let p = values(g, n);
    let m = new Float32Array(n);
    let v = new Float32Array(n);
    const hyper = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay, decoupledWeightDecay: decoupled };
    let pt = on('gpu', p, [4, 5]),
      mt = on('gpu', m, [4, 5]),
      vt = on('gpu', v, [4, 5]);
    for (let step = 1; step <= 3; step++) {
      const grad = values(g, n);
      const r = gpuFusedKernels.adamStep!(pt, on('gpu', grad, [4, 5]), mt, vt, { ...hyper, step });
      const wrap = (h: unknown) => tensor(read('gpu', h, n), [4, 5], { dtype: 'float32', backend: 'gpu' });
      [pt, mt, vt] = [wrap(r.param), wrap(r.expAvg), wrap(r.expAvgSq)];
      const [p2, m2, v2] = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
      for (let i = 0; i < n; i++) {
        const gi = grad[i] + (decoupled ? 0 : weightDecay * p[i]);
        m2[i] = 0.9 * m[i] + 0.1 * gi;
        v2[i] = 0.999 * v[i] + 0.001 * gi * gi;
        const denom = Math.sqrt(v2[i]) / Math.sqrt(1 - 0.999 ** step) + 1e-8;
        p2[i] = p[i] * (decoupled ? 1 - 0.01 * weightDecay : 1) - ((0.01 / (1 - 0.9 ** step)) * m2[i]) / denom;
      }
      expectClose(pt.dataSync(), p2, F32);
      expectClose(mt.dataSync(), m2, F32);
      expectClose(vt.dataSync(), v2, F32);
      [p, m, v] = [Float32Array.from(p2), Float32Array.from(m2), Float32Array.from(v2)];
    }
  });

  it('Adam over parameters of different sizes in turn (one program resized between calls, earlier results freed)', () => {
    const g = new Generator(12);
    const hyper = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupledWeightDecay: true, step: 2 };
    for (const n of [20, 7, 300, 5, 64, 20]) {
      const [p, grad, m] = [values(g, n), values(g, n), values(g, n)];
      const v = Float32Array.from(values(g, n), (x) => x * x);
      const inputs = [p, grad, m, v].map((a) => on('gpu', a, [n]));
      const r = gpuFusedKernels.adamStep!(inputs[0], inputs[1], inputs[2], inputs[3], hyper);
      const expected = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const m2 = 0.9 * m[i] + 0.1 * grad[i];
        const v2 = 0.999 * v[i] + 0.001 * grad[i] * grad[i];
        expected[i] = p[i] * (1 - 0.01 * 0.01) - ((0.01 / (1 - 0.9 ** 2)) * m2) / (Math.sqrt(v2) / Math.sqrt(1 - 0.999 ** 2) + 1e-8);
      }
      expectClose(read('gpu', r.param, n), expected, F32);
      for (const h of Object.values(r)) getBackend('gpu').release(h);
      for (const t of inputs) t.dispose();
    }
  });

  describe('compile cache', () => {
    it('a second lstmSequence, gruSequence, attention, layerNorm and adamStep call (forward and backward) with the same shapes compiles nothing', () => {
      const trainingStep = () => {
        recurrentStep('lstm', 5, true);
        recurrentStep('gru', 5, false);
        runAttention(CASES[1], 'gpu');
        const g = new Generator(3);
        const x = on('gpu', values(g, 12), [3, 4]);
        const ln = gpuFusedKernels.layerNorm!(x, null, null, 1e-5);
        const info = (h: unknown): TensorInfo => ({ handle: h, shape: [3], dtype: 'float32', size: 3 });
        gpuFusedKernels.layerNormBackward!(x, x, null, info(ln.mean), info(ln.rstd));
        const hyper = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupledWeightDecay: true };
        gpuFusedKernels.adamStep!(x, x, x, x, { ...hyper, step: 1 });
        gpuFusedKernels.adamStep!(x, x, x, x, { ...hyper, step: 2, lr: 0.02 });
      };
      trainingStep();
      const before = compileCount();
      trainingStep();
      expect(compileCount() - before).toBe(0);
    });

    it('the time loops compile per shape, not per step: 9 steps compile no more programs than 3 (the time index is a uniform)', () => {
      const compiled = (T: number) => {
        const before = compileCount();
        recurrentStep('lstm', T, true);
        recurrentStep('gru', T, true);
        return compileCount() - before;
      };
      const short = compiled(3);
      expect(short).toBeGreaterThan(0);
      expect(compiled(9)).toBeLessThanOrEqual(short);
    });
  });

  it('leaves no texture behind: once inputs and results are freed, the live texture count is back where it started', () => {
    const before = backendInfo().textures;
    for (const kind of ['lstm', 'gru'] as const) {
      const { inputs, results } = recurrentStep(kind, 4, true);
      expect(backendInfo().textures).toBeGreaterThanOrEqual(before);
      for (const x of inputs) x.dispose();
      for (const h of results) if (h !== null) getBackend('gpu').release(h);
    }
    expect(backendInfo().textures).toBe(before);
  });
}

/**
 * One forward and backward call of the fused LSTM or GRU kernels with T steps (B 2, I 3, H 4), with lengths or not;
 * returns the input tensors and every result handle, for the caller to free.
 */
function recurrentStep(kind: 'lstm' | 'gru', T: number, withLengths: boolean): { inputs: Tensor[]; results: unknown[] } {
  const [B, I, H] = [2, 3, 4];
  const G = (kind === 'lstm' ? 4 : 3) * H;
  const g = new Generator(T);
  const inputs: Tensor[] = [];
  const t = (shape: number[]) => {
    const x = on('gpu', values(g, sizeOf(shape)), shape);
    inputs.push(x);
    return x;
  };
  const args = {
    x: t([T, B, I]),
    h0: t([B, H]),
    c0: t([B, H]),
    weightIh: t([G, I]),
    weightHh: t([G, H]),
    biasIh: t([G]),
    biasHh: t([G]),
    lengths: withLengths ? Int32Array.from([T, Math.max(1, T - 2)]) : null,
    reverse: false,
  };
  const info = (handle: unknown, shape: number[]): TensorInfo => ({ handle, shape, dtype: 'float32', size: shape.reduce((a, b) => a * b, 1) });
  const grads = { dOutput: t([T, B, H]), dhN: t([B, H]), dcN: t([B, H]) };
  if (kind === 'lstm') {
    const r = gpuFusedKernels.lstmSequence!(args);
    const saved = {
      gates: info(r.gates, [T, B, 4 * H]),
      cPrev: info(r.cPrev, [T, B, H]),
      cellTanh: info(r.cellTanh, [T, B, H]),
      hPrev: info(r.hPrev, [T, B, H]),
    };
    return { inputs, results: [...Object.values(r), ...Object.values(gpuFusedKernels.lstmSequenceBackward!({ ...args, ...grads, saved }))] };
  }
  const r = gpuFusedKernels.gruSequence!(args);
  const saved = { gates: info(r.gates, [T, B, 4 * H]), hPrev: info(r.hPrev, [T, B, H]) };
  return { inputs, results: [...Object.values(r), ...Object.values(gpuFusedKernels.gruSequenceBackward!({ ...args, ...grads, saved }))] };
}
