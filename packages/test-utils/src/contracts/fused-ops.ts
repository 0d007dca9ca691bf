// Contract suites of the fused ops: on any backend, the fused path equals the composed reference, forward and backward.
import { Adam, AdamW, LayerNorm, parameter } from '@seqlab/autograd';
import { scaledDotProductAttention } from '@seqlab/attention';
import { GRU, LSTM } from '@seqlab/recurrent';
import { add, fusedKernel, Generator, getBackend, mul, randn, setFusedEnabled, sum, tensor, type FusedKernelName, type Tensor } from '@seqlab/tensor-core';
import { expect, it } from 'vitest';
import { storedDTypes } from '../suite/backend-dtypes.js';
import { expectClose } from '../suite/harness.js';

type FloatDType = 'float32' | 'float64';
type Results = Record<string, Tensor | null>;

const TOLERANCE = { float64: { rtol: 1e-10, atol: 1e-12 }, float32: { rtol: 1e-4, atol: 2e-5 } } as const;

/** The float dtypes `backend` stores: float64 where it can, so each contract also runs at full precision there. */
function floatDTypes(backend: string): FloatDType[] {
  return storedDTypes<FloatDType>(backend, ['float64', 'float32']);
}

/** `run` with the backend's fused kernel `kernel` counting its calls (0 when the backend has none). */
function countingCalls(backend: string, kernel: FusedKernelName, run: () => Results): { results: Results; calls: number } {
  const table = getBackend(backend).fused;
  const original = table?.[kernel] as ((...args: unknown[]) => unknown) | undefined;
  if (table === undefined || original === undefined) return { results: run(), calls: 0 };
  let calls = 0;
  Reflect.set(table, kernel, (...args: unknown[]) => (calls++, original(...args)));
  try {
    return { results: run(), calls };
  } finally {
    Reflect.set(table, kernel, original);
  }
}

/**
 * Runs `run` with fused paths on and off (tensor-core's one switch) and asserts the results agree name by name; the
 * fused run must have called the backend's kernel where it has one, and the composed run never.
 */
function expectSamePaths(backend: string, kernel: FusedKernelName, dtype: FloatDType, run: () => Results): void {
  const fused = countingCalls(backend, kernel, run);
  const previous = setFusedEnabled(false);
  let composed: { results: Results; calls: number };
  try {
    composed = countingCalls(backend, kernel, run);
  } finally {
    setFusedEnabled(previous);
  }
  const hasKernel = fusedKernel(getBackend(backend), kernel) !== undefined;
  expect(fused.calls > 0, `${kernel} ran on ${backend}`).toBe(hasKernel);
  expect(composed.calls, `${kernel} with fused paths off`).toBe(0);
  expect(Object.keys(fused.results).sort()).toEqual(Object.keys(composed.results).sort());
  for (const [name, value] of Object.entries(composed.results)) {
    if (value === null) expect(fused.results[name], name).toBeNull();
    else expectClose(fused.results[name] as Tensor, value, TOLERANCE[dtype]);
  }
}

/** A seeded weighted sum of `outputs`, so every element's gradient differs. */
function weightedLoss(outputs: Tensor[], seed: number): Tensor {
  const g = new Generator(seed);
  return outputs.map((t) => sum(mul(t, randn([...t.shape], { generator: g, dtype: t.dtype, backend: t.backendName })))).reduce((a, b) => add(a, b));
}

interface RecurrentCase {
  numLayers: number;
  bidirectional: boolean;
  bias: boolean;
  lengths: number[] | null;
  dropout: number;
}

const RECURRENT_CASES: RecurrentCase[] = [
  { numLayers: 1, bidirectional: false, bias: true, lengths: null, dropout: 0 },
  { numLayers: 2, bidirectional: true, bias: true, lengths: [6, 2, 4], dropout: 0.3 },
  { numLayers: 1, bidirectional: true, bias: false, lengths: [1, 6, 3], dropout: 0 },
];

function recurrentContract(backend: string, kind: 'LSTM' | 'GRU'): void {
  for (const dtype of floatDTypes(backend)) {
    it.each(RECURRENT_CASES)(`${kind} ${dtype}: layers $numLayers, bidirectional $bidirectional, bias $bias, lengths $lengths, dropout $dropout`, (c) => {
      const [T, B, I, H] = [6, 3, 5, 4];
      const states = c.numLayers * (c.bidirectional ? 2 : 1);
      expectSamePaths(backend, kind === 'LSTM' ? 'lstmSequence' : 'gruSequence', dtype, () => {
        // A fresh generator per run: the same weights and the same dropout masks on both paths.
        const g = new Generator(7);
        const options = { numLayers: c.numLayers, bidirectional: c.bidirectional, bias: c.bias, dropout: c.dropout, dtype, backend, generator: g };
        const x = randn([T, B, I], { generator: g, dtype, backend }).requiresGrad_();
        const h0 = randn([states, B, H], { generator: g, dtype, backend }).requiresGrad_();
        const c0 = randn([states, B, H], { generator: g, dtype, backend }).requiresGrad_();
        const layer = kind === 'LSTM' ? new LSTM(I, H, options) : new GRU(I, H, options);
        const r = layer instanceof LSTM ? layer.forward(x, { h0, c0, lengths: c.lengths }) : layer.forward(x, { h0, lengths: c.lengths });
        const cN = 'cN' in r ? (r.cN as Tensor) : null;
        weightedLoss(cN === null ? [r.output, r.hN] : [r.output, r.hN, cN], 1).backward();
        const out: Results = { output: r.output, hN: r.hN, x: x.grad, h0: h0.grad };
        if (cN !== null) Object.assign(out, { cN, c0: c0.grad });
        for (const [name, p] of layer.namedParameters()) out[name] = p.grad;
        return out;
      });
    });
  }
}

/** The fused LSTM sequence op against its composed step loop, forward and every gradient, with lengths and dropout. */
export function lstmSequenceContract(backend: string): void {
  recurrentContract(backend, 'LSTM');
}

/** The fused GRU sequence op against its composed step loop, forward and every gradient, with lengths and dropout. */
export function gruSequenceContract(backend: string): void {
  recurrentContract(backend, 'GRU');
}

interface AttentionCase {
  name: string;
  isCausal: boolean;
  mask: 'none' | 'bool' | 'float';
  dropout: number;
}

const ATTENTION_CASES: AttentionCase[] = [
  { name: 'plain', isCausal: false, mask: 'none', dropout: 0 },
  { name: 'causal', isCausal: true, mask: 'none', dropout: 0 },
  { name: 'bool padding mask with a fully masked row', isCausal: false, mask: 'bool', dropout: 0 },
  { name: 'float mask, causal', isCausal: true, mask: 'float', dropout: 0 },
  { name: 'dropout with a seed', isCausal: false, mask: 'bool', dropout: 0.25 },
];

/** Fused scaled dot-product attention against the composed softmax(QKᵀ)V: masks, causality, seeded dropout, weights. */
export function attentionContract(backend: string): void {
  for (const dtype of floatDTypes(backend)) {
    it.each(ATTENTION_CASES)(`attention ${dtype}: $name`, (c) => {
      const [B, H, L, S, D] = [2, 2, 4, 5, 3];
      expectSamePaths(backend, 'attention', dtype, () => {
        const g = new Generator(11);
        const make = (shape: number[]): Tensor => randn(shape, { generator: g, dtype, backend }).requiresGrad_();
        const [q, k, v] = [make([B, H, L, D]), make([B, H, S, D]), make([B, H, S, D])];
        const bits = Array.from({ length: L * S }, (_, i) => i % 3 === 1 || (i >= S && i < 2 * S));
        const mask =
          c.mask === 'bool' ? tensor(bits, [L, S], { dtype: 'bool', backend }) : c.mask === 'float' ? randn([L, S], { generator: g, dtype, backend }) : null;
        const r = scaledDotProductAttention(q, k, v, { mask, isCausal: c.isCausal, dropout: c.dropout, generator: new Generator(5), returnWeights: true });
        weightedLoss([r.output, r.weights as Tensor], 2).backward();
        return { output: r.output, weights: r.weights, q: q.grad, k: k.grad, v: v.grad };
      });
    });
  }
}

/** Fused LayerNorm against its composed mean/variance form, with and without affine parameters, over one or two axes. */
export function layerNormContract(backend: string): void {
  const cases = [
    { shape: [3, 4, 6], normalized: [6], affine: true },
    { shape: [2, 3, 5], normalized: [3, 5], affine: true },
    { shape: [4, 7], normalized: [7], affine: false },
  ];
  for (const dtype of floatDTypes(backend)) {
    it.each(cases)(`layerNorm ${dtype}: x $shape over $normalized, affine $affine`, (c) => {
      expectSamePaths(backend, 'layerNorm', dtype, () => {
        const g = new Generator(3);
        const norm = new LayerNorm(c.normalized, { elementwiseAffine: c.affine, dtype, backend });
        if (norm.weight !== null && norm.bias !== null) {
          norm.loadStateDict({ weight: randn(c.normalized, { generator: g, dtype, backend }), bias: randn(c.normalized, { generator: g, dtype, backend }) });
        }
        const x = randn(c.shape, { generator: g, dtype, backend }).requiresGrad_();
        const output = norm.forward(x);
        weightedLoss([output], 4).backward();
        return { output, x: x.grad, weight: norm.weight?.grad ?? null, bias: norm.bias?.grad ?? null };
      });
    });
  }
}

/** The fused Adam / AdamW step against the composed update, over three steps (float32, where the kernel applies). */
export function adamStepContract(backend: string): void {
  if (!storedDTypes(backend, ['float32']).includes('float32')) return;
  it.each([
    ['Adam', Adam, 0.05],
    ['AdamW', AdamW, 0.1],
  ] as const)('%s float32: parameter and moments after three steps', (_name, Optimizer, weightDecay) => {
    expectSamePaths(backend, 'adamStep', 'float32', () => {
      const g = new Generator(9);
      const p = parameter(randn([4, 5], { generator: g, backend }));
      const optimizer = new Optimizer([p], { lr: 0.01, weightDecay });
      for (let step = 0; step < 3; step++) {
        p.grad = randn([4, 5], { generator: g, backend });
        optimizer.step();
      }
      const state = optimizer.stateOf(p);
      return { output: p, expAvg: state.exp_avg as Tensor, expAvgSq: state.exp_avg_sq as Tensor };
    });
  });
}
