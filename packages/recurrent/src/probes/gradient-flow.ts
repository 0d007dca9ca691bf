// Gradient-flow probe: ‖∂L/∂h_k‖ for every step k of a recurrent layer, with L a loss on the last step (vanishing gradients).
import { noGrad } from '@seqlab/autograd';
import { add, InvalidArgumentError, narrow, reshape, sum, sqrt, square, zerosLike, type Tensor } from '@seqlab/tensor-core';
import type { StepHook } from '../layers/recurrent-layer.js';
import { runRecurrentLayer, type AnyRecurrentLayer } from '../layers/recurrent-stack.js';
import type { SequenceLengths } from '../layers/sequence-lengths.js';
import type { RecurrentState } from '../state.js';
import { checkIntegerAtLeast, checkTensorArg } from '../validate.js';

/** Options of {@link gradientFlow}. */
export interface GradientFlowOptions {
  /**
   * The loss, given the top layer's output at the last time step (`[batch, directions·hiddenSize]`).
   * Default: the sum of that output, so every direction of h_T gets gradient 1.
   */
  loss?: (lastOutput: Tensor) => Tensor;
  /** Which layer's hidden states to probe. Default the top layer. */
  layer?: number;
  /** Probe the backward direction of a bidirectional layer instead of the forward one. Default false. */
  reverse?: boolean;
  /** Initial state; zeros when omitted. */
  state?: RecurrentState | null;
  /** Sequence lengths of a padded batch. */
  lengths?: SequenceLengths | null;
}

/**
 * The vanishing-gradient measurement: for a recurrent layer, an input sequence and a loss on the last step, the norm
 * ‖∂L/∂h_k‖ (over the batch and hidden units) of the gradient reaching the hidden state after every step k, as a
 * Float64Array indexed by time. In a tanh RNN it typically shrinks geometrically with the distance from the end;
 * an LSTM whose forget gates stay open (a forget-gate bias of 1–3) carries it much further back.
 *
 * It works by adding a zero tensor that requires gradients to each probed hidden state, so the forward values are
 * unchanged and the zero's gradient is exactly ∂L/∂h_k. The layer runs with composed ops; its parameters' `.grad`
 * are left as they were.
 *
 * @example
 * ```ts
 * const norms = gradientFlow(new RNN(8, 32), randn([50, 1, 8]));
 * norms[0] / norms[49]; // tiny for a tanh RNN: the first steps barely influence the last
 * ```
 */
export function gradientFlow(layer: AnyRecurrentLayer, x: Tensor, options: GradientFlowOptions = {}): Float64Array {
  const op = 'gradientFlow';
  checkTensorArg(op, 'x', x);
  const target = checkIntegerAtLeast(op, 'layer', options.layer ?? layer.numLayers - 1, 0);
  if (target >= layer.numLayers) {
    throw new InvalidArgumentError(`${op}: option 'layer' must be below the layer count ${layer.numLayers}; received ${target}`);
  }
  const direction = options.reverse === true ? 1 : 0;
  if (direction === 1 && !layer.bidirectional) throw new InvalidArgumentError(`${op}: option 'reverse' needs a bidirectional layer`);
  const probes: Tensor[] = [];
  const hook: StepHook = (l, d, t, h) => {
    if (l !== target || d !== direction) return h;
    const probe = zerosLike(h).requiresGrad_();
    probes[t] = probe;
    return add(h, probe);
  };
  const { output } = runRecurrentLayer(layer, x, options.state ?? null, options.lengths, hook);
  const timeAxis = output.rank === 2 || !layer.batchFirst ? 0 : 1;
  const steps = output.shape[timeAxis];
  const last = narrow(output, timeAxis, steps - 1, 1);
  const lastOutput = reshape(last, output.rank === 2 ? [last.shape[1]] : [last.shape[1 - timeAxis], last.shape[2]]);
  const loss = options.loss ? options.loss(lastOutput) : sum(lastOutput);
  // The probe must not disturb training: keep the parameters' accumulated gradients as they were.
  const saved = layer.parameters().map((p) => p.grad);
  try {
    loss.backward();
  } finally {
    layer.parameters().forEach((p, i) => (p.grad = saved[i]));
  }
  return noGrad(() => Float64Array.from({ length: steps }, (_, t) => (probes[t]?.grad ? sqrt(sum(square(probes[t].grad as Tensor))).item() : 0)));
}
