// The wasm fused attention kernels against the CPU ones (outputs, probabilities, gradients), and attention layers on wasm vs cpu.
import { MultiHeadAttention, TransformerEncoderLayer } from '@seqlab/attention';
import { getThreads, setThreads, wasmBackend, wasmThreadInfo } from '@seqlab/kernels-wasm';
import {
  cpuBackend,
  Generator,
  getBackend,
  mul,
  setBackend,
  sum,
  tensor,
  type AttentionMaskOperand,
  type Backend,
  type DataHandle,
  type FusedAttentionKernels,
  type FusedAttentionProblem,
  type Shape,
  type Tensor,
} from '@seqlab/tensor-core';
import { describe, expect, it } from 'vitest';

const TOL = { rtol: 1e-4, atol: 2e-5 };

/** Float32 normal values from a seeded generator, identical for both backends. */
function values(g: Generator, size: number, scale = 1): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = g.normal() * scale;
  return out;
}

function expectSame(what: string, actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i],
      e = expected[i];
    if (!(Math.abs(a - e) <= TOL.atol + TOL.rtol * Math.abs(e))) {
      throw new Error(`${what}[${i}]: wasm ${a}, cpu ${e}`);
    }
  }
}

const kernelsOf = (backend: Backend): FusedAttentionKernels => backend.fused as unknown as FusedAttentionKernels;

interface Case {
  name: string;
  B: number;
  H: number;
  L: number;
  S: number;
  D: number;
  Dv: number;
  /** q, k, v packed side by side in one `[B, L, 3·H·D]` storage (self-attention), else three `[B, H, rows, cols]`. */
  packed: boolean;
  causalOffset: number | null;
  /** Bool mask `[L, S]` (broadcast over batch and heads) with this fraction of keys masked. */
  mask: number;
  /** Additive bias `[B, 1, L, S]`. */
  bias: boolean;
  /** Dropout keep probability (multipliers 0 or 1/keep), or 1 for none. */
  keep: number;
  /** Output `[B, L, H·Dv]` (heads side by side) instead of `[B, H, L, Dv]`. */
  batchFirst: boolean;
  gradWeights: boolean;
}

const base: Case = {
  name: '',
  B: 2,
  H: 3,
  L: 5,
  S: 7,
  D: 6,
  Dv: 5,
  packed: false,
  causalOffset: null,
  mask: 0,
  bias: false,
  keep: 1,
  batchFirst: false,
  gradWeights: false,
};

// Sizes off multiples of 4 exercise the one-lane tails; L above 16 spans several score row blocks; S above 128 several
// matmul tiles.
const cases: Case[] = [
  { ...base, name: 'plain' },
  { ...base, name: 'causal, packed self-attention, batch-first output', L: 9, S: 9, D: 8, Dv: 8, packed: true, causalOffset: 0, batchFirst: true },
  { ...base, name: 'causal offset S − L (cached keys)', L: 4, S: 10, causalOffset: 6 },
  { ...base, name: 'negative causal offset (first rows see nothing)', L: 6, S: 6, causalOffset: -2, gradWeights: true },
  { ...base, name: 'bool mask with fully masked rows, bias, dropout, weight gradients', mask: 0.5, bias: true, keep: 0.7, gradWeights: true },
  { ...base, name: 'several row blocks and tiles', B: 1, H: 2, L: 37, S: 150, D: 20, Dv: 12, causalOffset: 113, mask: 0.2 },
  { ...base, name: 'wide heads', B: 2, H: 2, L: 18, S: 18, D: 64, Dv: 64, packed: true, causalOffset: 0, batchFirst: true, keep: 0.9 },
];

interface Problem {
  problem: FusedAttentionProblem;
  /** Storages the gradients go to: one for packed q/k/v, else three. */
  slots: [number, number, number];
  slotShapes: number[][];
  outSize: number;
}

function problemFor(c: Case, g: Generator): Problem {
  const { B, H, L, S, D, Dv } = c;
  let q, k, v;
  let slots: [number, number, number], slotShapes: number[][];
  if (c.packed) {
    const E = H * D,
      width = 3 * E;
    const handle = values(g, B * L * width);
    const view = (offset: number) => ({ handle, offset, batchStride: L * width, headStride: D, rowStride: width });
    [q, k, v] = [view(0), view(E), view(2 * E)];
    slots = [0, 0, 0];
    slotShapes = [[B, L, width]];
  } else {
    const view = (rows: number, cols: number) => ({
      handle: values(g, B * H * rows * cols),
      offset: 0,
      batchStride: H * rows * cols,
      headStride: rows * cols,
      rowStride: cols,
    });
    [q, k, v] = [view(L, D), view(S, D), view(S, Dv)];
    slots = [0, 1, 2];
    slotShapes = [
      [B, H, L, D],
      [B, H, S, D],
      [B, H, S, Dv],
    ];
  }
  let mask: AttentionMaskOperand | null = null;
  if (c.mask > 0) {
    const bytes = new Uint8Array(L * S);
    for (let i = 0; i < L * S; i++) bytes[i] = g.uniform() < c.mask ? 1 : 0;
    // Row 1 fully masked: its probabilities and output must be 0, not NaN.
    bytes.fill(1, S, 2 * S);
    mask = { handle: bytes, batchStride: 0, headStride: 0, rowStride: S, colStride: 1 };
  }
  const bias = c.bias ? { handle: values(g, B * L * S), batchStride: L * S, headStride: 0, rowStride: S, colStride: 1 } : null;
  let dropout: Float32Array | null = null;
  if (c.keep < 1) {
    dropout = new Float32Array(B * H * L * S);
    for (let i = 0; i < dropout.length; i++) dropout[i] = g.uniform() < c.keep ? 1 / c.keep : 0;
  }
  const outStrides: [number, number, number] = c.batchFirst ? [L * H * Dv, Dv, H * Dv] : [H * L * Dv, L * Dv, Dv];
  const outShape = c.batchFirst ? [B, L, H * Dv] : [B, H, L, Dv];
  const problem: FusedAttentionProblem = {
    dtype: 'float32',
    batch: B,
    heads: H,
    queryLength: L,
    keyLength: S,
    headDim: D,
    valueDim: Dv,
    q,
    k,
    v,
    scale: 1 / Math.sqrt(D),
    causalOffset: c.causalOffset,
    mask,
    bias,
    dropout,
    outStrides,
    outShape,
  };
  return { problem, slots, slotShapes, outSize: B * H * L * Dv };
}

/** Forward (with probabilities) and backward of `p` on `backend`, from the same gradients. */
function run(backend: Backend, p: Problem, c: Case, seed: number): Record<string, ArrayLike<number>> {
  const kernels = kernelsOf(backend);
  const { out, probs } = kernels.attention(p.problem, true);
  const withoutProbs = kernels.attention(p.problem, false);
  expect(withoutProbs.probs).toBeNull();
  const g = new Generator(seed);
  const gradOut = values(g, p.outSize);
  const gradWeights = c.gradWeights ? values(g, c.B * c.H * c.L * c.S) : null;
  const grads = kernels.attentionBackward(p.problem, { probs: probs as DataHandle, gradOut, gradWeights, slots: p.slots, slotShapes: p.slotShapes });
  const result: Record<string, ArrayLike<number>> = {
    out: out as Float32Array,
    probs: probs as Float32Array,
    outWithoutProbs: withoutProbs.out as Float32Array,
  };
  grads.forEach((h, i) => (result[`grad${i}`] = h as Float32Array));
  return result;
}

describe('wasm fused attention kernels vs the CPU ones', () => {
  it('the wasm backend offers attention and attentionBackward', () => {
    expect(typeof wasmBackend.fused?.attention).toBe('function');
    expect(typeof wasmBackend.fused?.attentionBackward).toBe('function');
  });

  it.each(cases)('$name', (c) => {
    const p = problemFor(c, new Generator(7));
    const wasm = run(wasmBackend, p, c, 9);
    const cpu = run(cpuBackend, p, c, 9);
    expect(Object.keys(wasm).sort()).toEqual(Object.keys(cpu).sort());
    for (const name of Object.keys(cpu)) expectSame(name, wasm[name], cpu[name]);
    // The results are typed arrays owned by JS, like every wasm storage.
    expect(wasm.out).toBeInstanceOf(Float32Array);
    if (c.mask > 0) {
      // Row 1 of every head sees no key: exactly 0 probabilities and output (wasm memory is not zeroed).
      const probs = wasm.probs;
      for (let bh = 0; bh < c.B * c.H; bh++) for (let j = 0; j < c.S; j++) expect(probs[(bh * c.L + 1) * c.S + j]).toBe(0);
    }
    for (const value of Object.values(wasm)) for (let i = 0; i < value.length; i++) expect(Number.isFinite(value[i])).toBe(true);
  });

  // Big enough for the worker pool (2·B·H·L·S·(D + Dv) above the parallel threshold); results do not depend on it.
  const large: Case = { ...base, name: 'large', B: 4, H: 4, L: 64, S: 64, D: 32, Dv: 32, packed: true, causalOffset: 0, batchFirst: true };
  it.each([1, 2])('%i thread(s): a problem large enough to share', (threads) => {
    const before = getThreads();
    setThreads(threads);
    try {
      expect(wasmThreadInfo()).toMatchObject({ threads, sharedMemory: true });
      const p = problemFor(large, new Generator(3));
      const wasm = run(wasmBackend, p, large, 4);
      const cpu = run(cpuBackend, p, large, 4);
      for (const name of Object.keys(cpu)) expectSame(name, wasm[name], cpu[name]);
    } finally {
      setThreads(before);
    }
  });

  it('rejects float64 problems with DTYPE_MISMATCH', () => {
    const p = problemFor(base, new Generator(1));
    const problem = { ...p.problem, dtype: 'float64' as const };
    expect(() => kernelsOf(wasmBackend).attention(problem, false)).toThrow(expect.objectContaining({ code: 'DTYPE_MISMATCH' }));
  });

  it('leaves its inputs unchanged', () => {
    const c = cases[4];
    const p = problemFor(c, new Generator(2));
    const inputs = [p.problem.q.handle, p.problem.k.handle, p.problem.v.handle, p.problem.dropout!, p.problem.bias!.handle] as Float32Array[];
    const before = inputs.map((a) => Array.from(a));
    run(wasmBackend, p, c, 5);
    expect(inputs.map((a) => Array.from(a))).toEqual(before);
  });
});

/** Builds `make()` with the active backend set to `backend` (layers place their parameters on the active backend). */
function onBackend<T>(backend: string, make: () => T): T {
  const previous = getBackend().name;
  setBackend(backend);
  try {
    return make();
  } finally {
    setBackend(previous);
  }
}

/** Counts calls of the wasm fused attention kernels while `fn` runs. */
function countFused(fn: () => void): { forward: number; backward: number } {
  const fused = wasmBackend.fused as unknown as FusedAttentionKernels;
  const { attention, attentionBackward } = fused;
  const counts = { forward: 0, backward: 0 };
  fused.attention = (...args) => (counts.forward++, attention(...args));
  fused.attentionBackward = (...args) => (counts.backward++, attentionBackward(...args));
  try {
    fn();
  } finally {
    fused.attention = attention;
    fused.attentionBackward = attentionBackward;
  }
  return counts;
}

/** Output and every gradient of a weighted sum of a layer's output. */
function layerRun(
  backend: string,
  build: () => { parameters: () => Iterable<[string, Tensor]>; forward: (x: Tensor) => Tensor },
  shape: Shape,
): Record<string, Tensor> {
  const layer = onBackend(backend, build);
  const g = new Generator(31);
  const size = shape.reduce((a, b) => a * b, 1);
  const x = tensor(values(g, size), shape, { backend }).requiresGrad_();
  const out = layer.forward(x);
  sum(mul(out, tensor(values(g, out.size), [...out.shape], { backend }))).backward();
  const result: Record<string, Tensor> = { out, x: x.grad as Tensor };
  for (const [name, p] of layer.parameters()) result[name] = p.grad as Tensor;
  return result;
}

function expectLayersMatch(cpu: Record<string, Tensor>, wasm: Record<string, Tensor>): void {
  expect(Object.keys(wasm).sort()).toEqual(Object.keys(cpu).sort());
  for (const [name, expected] of Object.entries(cpu)) {
    expect(wasm[name].backendName, name).toBe('wasm');
    expectSame(name, wasm[name].dataSync() as Float32Array, expected.dataSync() as Float32Array);
  }
}

describe('@seqlab/attention layers on the wasm backend match the CPU backend', () => {
  it('MultiHeadAttention (self-attention, causal, key padding) runs the fused kernels forward and backward', () => {
    const padding = (backend: string): Tensor => tensor([0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0], [2, 7], { dtype: 'bool', backend });
    const build = (backend: string) => () => {
      const mha = new MultiHeadAttention(16, 4, { batchFirst: true, generator: new Generator(5) });
      return {
        parameters: () => mha.namedParameters(),
        forward: (x: Tensor) => mha.forward(x, x, x, { isCausal: true, keyPaddingMask: padding(backend), needWeights: false }).output,
      };
    };
    const cpu = layerRun('cpu', build('cpu'), [2, 7, 16]);
    let wasm: Record<string, Tensor> = {};
    const counts = countFused(() => (wasm = layerRun('wasm', build('wasm'), [2, 7, 16])));
    expect(counts).toEqual({ forward: 1, backward: 1 });
    expectLayersMatch(cpu, wasm);
  });

  it('TransformerEncoderLayer (post-norm, causal) matches in output and every gradient', () => {
    const build = () => {
      const layer = new TransformerEncoderLayer(32, 4, { dimFeedforward: 64, dropout: 0, batchFirst: true, generator: new Generator(8) });
      return { parameters: () => layer.namedParameters(), forward: (x: Tensor) => layer.forward(x, { isCausal: true }) };
    };
    const cpu = layerRun('cpu', build, [3, 10, 32]);
    let wasm: Record<string, Tensor> = {};
    const counts = countFused(() => (wasm = layerRun('wasm', build, [3, 10, 32])));
    expect(counts).toEqual({ forward: 1, backward: 1 });
    expectLayersMatch(cpu, wasm);
  });
});
