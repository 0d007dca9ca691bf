// The one typed lookup of a backend's fused kernels, the shapes of their results, and the switch for all fused paths.
import type { Backend, DataHandle, FusedKernelName, FusedKernels } from './backend.js';
import type { DType } from './dtype.js';
import { InvalidArgumentError } from './errors.js';
import type { AdamStepResult } from './fused-adam.js';
import type { FusedAttentionResult } from './fused-attention.js';
import type { CrossEntropyBackwardResult, CrossEntropyResult } from './fused-cross-entropy.js';
import type { GeluBackwardResult } from './fused-gelu.js';
import type { AddLayerNormResult, LayerNormBackwardResult, LayerNormResult } from './fused-layer-norm.js';
import type { FeedForwardBackwardResult, FeedForwardResult, LinearBackwardResult, LinearResult } from './fused-linear.js';
import type { GruSequenceResult, LstmSequenceGrads, LstmSequenceResult, RecurrentSequenceGrads } from './fused-recurrent.js';
import { coreState } from './shared-state.js';
import type { Shape } from './shape.js';
import { Tensor } from './tensor.js';

/**
 * What each fused kernel returns, with every storage typed `H`: a `DataHandle` as a backend's kernel returns it,
 * a `Tensor` as {@link fusedKernel} returns it, a `Shape` as its result layout declares it.
 *
 * @example
 * ```ts
 * const r: FusedResults<Tensor>['layerNorm'] = fusedKernel(x.backend, 'layerNorm')!(x, null, null, 1e-5);
 * ```
 */
export interface FusedResults<H> {
  /** See {@link LstmSequenceKernel}. */
  lstmSequence: LstmSequenceResult<H>;
  /** See {@link LstmSequenceBackwardKernel}. */
  lstmSequenceBackward: LstmSequenceGrads<H>;
  /** See {@link GruSequenceKernel}. */
  gruSequence: GruSequenceResult<H>;
  /** See {@link GruSequenceBackwardKernel}. */
  gruSequenceBackward: RecurrentSequenceGrads<H>;
  /** See {@link FusedAttentionKernel}. */
  attention: FusedAttentionResult<H>;
  /** See {@link FusedAttentionBackwardKernel}: one gradient per slot. */
  attentionBackward: H[];
  /** See {@link LayerNormKernel}. */
  layerNorm: LayerNormResult<H>;
  /** See {@link LayerNormBackwardKernel}. */
  layerNormBackward: LayerNormBackwardResult<H>;
  /** See {@link AddLayerNormKernel}. */
  addLayerNorm: AddLayerNormResult<H>;
  /** See {@link LinearKernel}. */
  linear: LinearResult<H>;
  /** See {@link LinearBackwardKernel}. */
  linearBackward: LinearBackwardResult<H>;
  /** See {@link FeedForwardKernel}. */
  feedForward: FeedForwardResult<H>;
  /** See {@link FeedForwardBackwardKernel}. */
  feedForwardBackward: FeedForwardBackwardResult<H>;
  /** See {@link FusedAdamStep}. */
  adamStep: AdamStepResult<H>;
  /** See {@link CrossEntropyKernel}. */
  crossEntropy: CrossEntropyResult<H>;
  /** See {@link CrossEntropyBackwardKernel}. */
  crossEntropyBackward: CrossEntropyBackwardResult<H>;
  /** See {@link GeluBackwardKernel}. */
  geluBackward: GeluBackwardResult<H>;
}

/**
 * The arguments of the fused kernel `K`, as every backend takes them.
 *
 * @example
 * ```ts
 * const [x, weight, bias, eps]: FusedArgs<'layerNorm'> = [x0, null, null, 1e-5];
 * ```
 */
export type FusedArgs<K extends FusedKernelName> = Parameters<NonNullable<FusedKernels[K]>>;

/**
 * The fused kernel `K` as {@link fusedKernel} returns it: the backend's kernel with its result storages wrapped as
 * tensors of the declared shapes, on the kernel's backend.
 *
 * @example
 * ```ts
 * const step: FusedTensorKernel<'adamStep'> | undefined = fusedKernel(p.backend, 'adamStep');
 * ```
 */
export type FusedTensorKernel<K extends FusedKernelName> = (...args: FusedArgs<K>) => FusedResults<Tensor>[K];

/** The dtype and the shape of every result storage of one call, declared once per kernel. */
interface ResultLayout<K extends FusedKernelName> {
  readonly dtype: DType;
  readonly shapes: FusedResults<Shape>[K];
}

// [T, B, H] of a recurrent call, from x ([T, B, I], or [B, T, I] batch-first) and h0 [B, H].
function recurrentSizes(a: FusedArgs<'gruSequence'>[0]): [number, number, number] {
  const [T, B] = a.batchFirst === true ? [a.x.shape[1], a.x.shape[0]] : [a.x.shape[0], a.x.shape[1]];
  return [T, B, a.h0.shape[1]];
}

// The output's shape: [T, B, H], or [B, T, H] batch-first.
function outputShape(a: FusedArgs<'gruSequence'>[0], [T, B, H]: [number, number, number]): Shape {
  return a.batchFirst === true ? [B, T, H] : [T, B, H];
}

function recurrentGradShapes(a: FusedArgs<'gruSequenceBackward'>[0]): RecurrentSequenceGrads<Shape> {
  const [, B, H] = recurrentSizes(a);
  const bias = [a.weightIh.shape[0]];
  return { dx: a.x.shape, dh0: [B, H], dWeightIh: a.weightIh.shape, dWeightHh: a.weightHh.shape, dBiasIh: bias, dBiasHh: bias };
}

// Rows of D of a LayerNorm input, D its last axis.
function layerNormRows(x: { shape: Shape; size: number }): [number, number] {
  const D = x.shape[x.shape.length - 1];
  return [x.size / D, D];
}

const RESULT_LAYOUTS: { readonly [K in FusedKernelName]: (...args: FusedArgs<K>) => ResultLayout<K> } = {
  lstmSequence: (a) => {
    const sizes = recurrentSizes(a);
    const [T, B, H] = sizes;
    const seq = [T, B, H];
    return {
      dtype: a.x.dtype,
      shapes: { output: outputShape(a, sizes), hN: [B, H], cN: [B, H], gates: [T, B, 4 * H], cPrev: seq, cellTanh: seq, hPrev: seq },
    };
  },
  lstmSequenceBackward: (a) => {
    const [, B, H] = recurrentSizes(a);
    return { dtype: a.x.dtype, shapes: { ...recurrentGradShapes(a), dc0: [B, H] } };
  },
  gruSequence: (a) => {
    const sizes = recurrentSizes(a);
    const [T, B, H] = sizes;
    return { dtype: a.x.dtype, shapes: { output: outputShape(a, sizes), hN: [B, H], gates: [T, B, 4 * H], hPrev: [T, B, H] } };
  },
  gruSequenceBackward: (a) => ({ dtype: a.x.dtype, shapes: recurrentGradShapes(a) }),
  attention: (p) => ({ dtype: p.dtype, shapes: { out: p.outShape, probs: [p.batch, p.heads, p.queryLength, p.keyLength] } }),
  attentionBackward: (p, args) => ({ dtype: p.dtype, shapes: [...args.slotShapes] }),
  layerNorm: (x) => {
    const [rows] = layerNormRows(x);
    return { dtype: x.dtype, shapes: { output: x.shape, mean: [rows], rstd: [rows] } };
  },
  layerNormBackward: (_dOutput, x) => {
    const [, D] = layerNormRows(x);
    return { dtype: x.dtype, shapes: { dx: x.shape, dWeight: [D], dBias: [D] } };
  },
  addLayerNorm: (x) => {
    const [rows] = layerNormRows(x);
    return { dtype: x.dtype, shapes: { output: x.shape, sum: x.shape, mean: [rows], rstd: [rows] } };
  },
  linear: (x, weight) => ({ dtype: x.dtype, shapes: { output: [...x.shape.slice(0, -1), weight.shape[0]] } }),
  linearBackward: (_dOutput, x, weight) => ({ dtype: x.dtype, shapes: { dx: x.shape, dWeight: weight.shape, dBias: [weight.shape[0]] } }),
  feedForward: (x, w1, _b1, w2) => {
    const lead = x.shape.slice(0, -1);
    return { dtype: x.dtype, shapes: { output: [...lead, w2.shape[0]], hidden: [...lead, w1.shape[0]] } };
  },
  feedForwardBackward: (_dOutput, x, w1, w2) => ({
    dtype: x.dtype,
    shapes: { dx: x.shape, dW1: w1.shape, db1: [w1.shape[0]], dW2: w2.shape, db2: [w2.shape[0]] },
  }),
  adamStep: (param) => ({ dtype: param.dtype, shapes: { param: param.shape, expAvg: param.shape, expAvgSq: param.shape } }),
  crossEntropy: (logits) => ({ dtype: logits.dtype, shapes: { losses: [logits.shape[0]], logSum: [logits.shape[0]] } }),
  crossEntropyBackward: (_dLosses, logits) => ({ dtype: logits.dtype, shapes: { dLogits: logits.shape } }),
  geluBackward: (_dOutput, x) => ({ dtype: x.dtype, shapes: { dx: x.shape } }),
};

// Every storage of `raw` as a tensor of its declared shape; a null storage (an optional result) stays null.
function wrapResults(backend: Backend, dtype: DType, shapes: unknown, raw: unknown): unknown {
  const wrap = (handle: DataHandle, shape: Shape): Tensor | null => (handle === null ? null : Tensor.fromHandle(backend, handle, shape, dtype));
  if (Array.isArray(shapes)) return (raw as DataHandle[]).map((handle, i) => wrap(handle, (shapes as Shape[])[i]));
  const out: Record<string, Tensor | null> = {};
  const handles = raw as Record<string, DataHandle>;
  for (const [name, shape] of Object.entries(shapes as Record<string, Shape>)) out[name] = wrap(handles[name], shape);
  return out;
}

// One switch for every loaded copy of tensor-core, read from a local variable on the hot path.
let fusedEnabled = true;
const shareFusedEnabled = coreState.link('fusedEnabled', true, (enabled) => {
  fusedEnabled = enabled;
});

/**
 * Turns every fused path (LSTM/GRU sequences, attention, LayerNorm, Linear, the Adam step) on or off for the whole process;
 * off, each op runs its composed reference, with the same numbers within float rounding. A layer's or call's own
 * `fused: false` turns one use off while this is on. Returns the previous setting.
 *
 * @example
 * ```ts
 * const previous = setFusedEnabled(false); // compare against the composed ops
 * try { model.forward(x); } finally { setFusedEnabled(previous); }
 * ```
 */
export function setFusedEnabled(enabled: boolean): boolean {
  if (typeof enabled !== 'boolean') {
    throw new InvalidArgumentError(`setFusedEnabled: argument 'enabled' must be a boolean; received ${typeof enabled}`);
  }
  const previous = fusedEnabled;
  shareFusedEnabled(enabled);
  return previous;
}

/**
 * Whether fused paths run where a backend has the kernel (see {@link setFusedEnabled}; default true).
 *
 * @example
 * ```ts
 * if (!isFusedEnabled()) console.log('composed ops only');
 * ```
 */
export function isFusedEnabled(): boolean {
  return fusedEnabled;
}

/**
 * The fused kernel `name` of `backend`, typed, with its results wrapped as tensors of the shapes its contract
 * declares; undefined when the backend lacks it, when fused paths are off ({@link setFusedEnabled}) or when `fused`
 * (a layer's or call's own option) is false. The caller then runs the op's composed reference.
 *
 * @example
 * ```ts
 * const layerNorm = fusedKernel(x.backend, 'layerNorm');
 * const y = layerNorm === undefined ? composedLayerNorm(x) : layerNorm(x, weight, bias, 1e-5).output;
 * ```
 */
export function fusedKernel<K extends FusedKernelName>(backend: Backend, name: K, fused = true): FusedTensorKernel<K> | undefined {
  const raw = backend.fused?.[name] as ((...args: FusedArgs<K>) => unknown) | undefined;
  if (raw === undefined || !fused || !fusedEnabled) return undefined;
  const layout = RESULT_LAYOUTS[name] as (...args: FusedArgs<K>) => ResultLayout<K>;
  return (...args) => {
    const { dtype, shapes } = layout(...args);
    return wrapResults(backend, dtype, shapes, raw(...args)) as FusedResults<Tensor>[K];
  };
}
