// Options shared by the Transformer layers, with PyTorch's defaults.
import { checkPositiveInt, InvalidArgumentError, type DType, type Generator } from '@seqlab/tensor-core';

/** Feed-forward activation of a Transformer layer. */
export type TransformerActivation = 'relu' | 'gelu';

/** Options of the Transformer layers; the defaults are PyTorch's. */
export interface TransformerLayerOptions {
  /** Hidden width of the feed-forward block. Default 2048. */
  dimFeedforward?: number;
  /** Dropout on attention weights, after attention, inside and after the feed-forward block. Default 0.1. */
  dropout?: number;
  /** Feed-forward activation: `relu` (default) or `gelu` (exact erf form). */
  activation?: TransformerActivation;
  /** LayerNorm epsilon. Default 1e-5. */
  layerNormEps?: number;
  /** Inputs are `[batch, length, dModel]` rather than `[length, batch, dModel]`. Default false. */
  batchFirst?: boolean;
  /** Pre-norm (`x + f(norm(x))`) rather than post-norm (`norm(x + f(x))`). Default false. */
  normFirst?: boolean;
  /** Learn biases in the linear layers and norms. Default true. */
  bias?: boolean;
  /** Source of the initial values and dropout masks. Default `defaultGenerator()`. */
  generator?: Generator;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
  /** Backend of the parameters. Default the active backend. */
  backend?: string;
}

/** The options with every default filled in. */
export type ResolvedLayerOptions = Required<Omit<TransformerLayerOptions, 'generator' | 'backend'>> & Pick<TransformerLayerOptions, 'generator' | 'backend'>;

/** Validates layer sizes and fills in PyTorch's defaults. */
export function resolveLayerOptions(op: string, dModel: number, nhead: number, options: TransformerLayerOptions): ResolvedLayerOptions {
  for (const [name, v] of [
    ['dModel', dModel],
    ['nhead', nhead],
    ['dimFeedforward', options.dimFeedforward ?? 2048],
  ] as const) {
    checkPositiveInt(op, name, v);
  }
  if (dModel % nhead !== 0) throw new InvalidArgumentError(`${op}: 'dModel' (${dModel}) must be divisible by 'nhead' (${nhead})`);
  const dropout = options.dropout ?? 0.1;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout <= 1))
    throw new InvalidArgumentError(`${op}: option 'dropout' must be in [0, 1]; received ${String(dropout)}`);
  const activation = options.activation ?? 'relu';
  if (activation !== 'relu' && activation !== 'gelu')
    throw new InvalidArgumentError(`${op}: option 'activation' must be 'relu' or 'gelu'; received ${String(activation)}`);
  const layerNormEps = options.layerNormEps ?? 1e-5;
  if (typeof layerNormEps !== 'number' || !(layerNormEps >= 0))
    throw new InvalidArgumentError(`${op}: option 'layerNormEps' must be a non-negative number; received ${String(layerNormEps)}`);
  return {
    dimFeedforward: options.dimFeedforward ?? 2048,
    dropout,
    activation,
    layerNormEps,
    batchFirst: options.batchFirst ?? false,
    normFirst: options.normFirst ?? false,
    bias: options.bias ?? true,
    dtype: options.dtype ?? 'float32',
    generator: options.generator,
    backend: options.backend,
  };
}
