// The Transformer feed-forward block `linear2(dropout(act(linear1(x))))` in one place: its composed reference, the
// customOp glue around the backend's fused ReLU block (the hidden activation never leaves the kernel), the choice.
import { gelu, type Tensor } from '@seqlab/tensor-core';
import { customOp, fusedKernels, fusedOrComposed, isGradEnabled, type Dropout, type FusedKernelSet, type Linear } from '@seqlab/autograd';
import { onRows } from './rows.js';
import type { TransformerActivation } from './transformer-options.js';

/** The fused kernels the feed-forward block runs on. */
const KERNELS = ['feedForward', 'feedForwardBackward'] as const;

/** The layers of one feed-forward block. */
export interface FeedForwardLayers {
  /** `dModel → dimFeedforward`. */
  readonly linear1: Linear;
  /** Dropout on the hidden activation (training mode only). */
  readonly dropout: Dropout;
  /** `dimFeedforward → dModel`. */
  readonly linear2: Linear;
}

/**
 * The composed reference every fused block must equal: `linear2(dropout(act(linear1(x))))` on the rows of `x`, ReLU
 * riding in linear1's fused Linear kernel, GELU its own op.
 */
export function composedFeedForward(activation: TransformerActivation, layers: FeedForwardLayers, x: Tensor): Tensor {
  const { linear1, dropout, linear2 } = layers;
  const hidden = onRows(x, (rows) => (activation === 'relu' ? linear1.forward(rows, 'relu') : linear1.forward(rows)));
  return onRows(dropout.forward(activation === 'relu' ? hidden : gelu(hidden)), (rows) => linear2.forward(rows));
}

// Whether one fused call can run the block: ReLU, no active dropout, and x, the weights and biases of one floating
// dtype and backend, with the widths chaining (anything else goes down the composed path and its typed errors).
function fusable(activation: TransformerActivation, { linear1, dropout, linear2 }: FeedForwardLayers, x: Tensor): boolean {
  if (activation !== 'relu' || (dropout.training && dropout.p > 0)) return false;
  if ((x.dtype !== 'float32' && x.dtype !== 'float64') || x.rank < 1 || x.shape[x.rank - 1] !== linear1.inFeatures) return false;
  if (linear2.inFeatures !== linear1.outFeatures) return false;
  const params = [linear1.weight, linear1.bias, linear2.weight, linear2.bias];
  return params.every((p) => p === null || (p.dtype === x.dtype && p.backend === x.backend));
}

/**
 * `linear2(dropout(act(linear1(x))))` for `x` `[..., dModel]`: with ReLU and no active dropout, one fused call on
 * backends with the `feedForward` kernels (the `[rows, dimFeedforward]` hidden activation stays inside the kernel,
 * and is copied out only when the backward pass needs it), else {@link composedFeedForward}.
 */
export function feedForward(activation: TransformerActivation, layers: FeedForwardLayers, x: Tensor): Tensor {
  return fusedOrComposed(
    x.backend,
    KERNELS,
    fusable(activation, layers, x),
    (kernels) => onRows(x, (rows) => fusedFeedForward(kernels, layers, rows)),
    () => composedFeedForward(activation, layers, x),
  );
}

/** The ReLU block on the fused kernels, differentiable through a customOp whose backward is one kernel call too. */
function fusedFeedForward(kernels: FusedKernelSet<(typeof KERNELS)[number]>, { linear1, linear2 }: FeedForwardLayers, x: Tensor): Tensor {
  const b1 = linear1.bias,
    b2 = linear2.bias;
  const params = [linear1.weight, ...(b1 === null ? [] : [b1]), linear2.weight, ...(b2 === null ? [] : [b2])];
  if (!isGradEnabled() || ![x, ...params].some((t) => t.requiresGrad)) {
    return kernels.feedForward(x, linear1.weight, b1, linear2.weight, b2, false).output;
  }
  // Inputs in order: x, w1, (b1), w2, (b2).
  const split = (inputs: readonly Tensor[]): [Tensor, Tensor | null, Tensor, Tensor | null] => {
    let i = 1;
    const w1 = inputs[i++];
    const bi1 = b1 === null ? null : inputs[i++];
    const w2 = inputs[i++];
    return [w1, bi1, w2, b2 === null ? null : inputs[i]];
  };
  const op = customOp<Tensor, Tensor>({
    name: 'feedForward',
    pureBackward: true,
    inputs: ['x', 'linear1.weight', ...(b1 === null ? [] : ['linear1.bias']), 'linear2.weight', ...(b2 === null ? [] : ['linear2.bias'])],
    forward: (inputs) => {
      const [w1, bi1, w2, bi2] = split(inputs);
      const r = kernels.feedForward(inputs[0], w1, bi1, w2, bi2, true);
      return { outputs: r.output, saved: r.hidden as Tensor };
    },
    backward: ([g], hidden, { inputs, needsInputGrad }) => {
      const [w1, , w2] = split(inputs);
      const r = kernels.feedForwardBackward(g, inputs[0], w1, w2, hidden, needsInputGrad[0]);
      const grads = [r.dx, r.dW1, ...(b1 === null ? [] : [r.db1]), r.dW2, ...(b2 === null ? [] : [r.db2])];
      return grads.map((t, i) => (needsInputGrad[i] ? t : null));
    },
  });
  return op(x, ...params);
}

/** The fused kernels of the block, when `x`'s backend has them and fused paths are on, else null (for tests). */
export function fusedFeedForwardKernelsFor(x: Tensor): FusedKernelSet<(typeof KERNELS)[number]> | null {
  return fusedKernels(x.backend, KERNELS);
}
