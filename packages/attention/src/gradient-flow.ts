// Gradient-flow probe of a Transformer encoder: ‖∂L/∂x_k‖ for every input position k, with L a loss on the last position.
import { noGrad } from '@seqlab/autograd';
import { InvalidArgumentError, narrow, reshape, ShapeMismatchError, sqrt, square, sum, Tensor, formatShape } from '@seqlab/tensor-core';
import { TransformerEncoder, type EncoderCallOptions } from './transformer-encoder.js';
import { TransformerEncoderLayer } from './transformer-encoder-layer.js';

/** Options of {@link positionGradientFlow}: the encoder's call options and the loss. */
export interface PositionGradientFlowOptions extends EncoderCallOptions {
  /**
   * The loss, given the encoder's output at the last position (`[batch, dModel]`). Default: the sum of that output,
   * as `gradientFlow` in @seqlab/recurrent does for h_T.
   */
  loss?: (lastOutput: Tensor) => Tensor;
}

/**
 * The Transformer's counterpart of @seqlab/recurrent's `gradientFlow`: for an encoder (or one encoder layer), an
 * input sequence of embeddings `x` and a loss on the output at the last position, the norm ‖∂L/∂x_k‖ (over the
 * batch and features) of the gradient reaching the input at every position k, as a Float64Array indexed by
 * position. Attention reaches every earlier position in one step, so the norm does not decay with distance as a
 * tanh RNN's does. Run it with dropout 0 (or after `eval()`) for a deterministic measurement; the encoder's
 * parameters keep the `.grad` they had.
 *
 * @example
 * ```ts
 * const encoder = new TransformerEncoder(new TransformerEncoderLayer(16, 2, { dimFeedforward: 32, dropout: 0, batchFirst: true }), 2);
 * const norms = positionGradientFlow(encoder, randn([1, 50, 16]), { isCausal: true }); // 50 norms, none ≈ 0
 * ```
 */
export function positionGradientFlow(
  encoder: TransformerEncoder | TransformerEncoderLayer,
  x: Tensor,
  options: PositionGradientFlowOptions = {},
): Float64Array {
  const op = 'positionGradientFlow';
  const layer = encoder instanceof TransformerEncoder ? encoder.layers[0] : encoder;
  if (!(layer instanceof TransformerEncoderLayer)) {
    throw new InvalidArgumentError(`${op}: argument 'encoder' must be a TransformerEncoder or TransformerEncoderLayer; received ${typeof encoder}`);
  }
  if (!(x instanceof Tensor)) throw new InvalidArgumentError(`${op}: argument 'x' must be a Tensor; received ${typeof x}`);
  if (x.rank !== 3 || x.shape[2] !== layer.dModel) {
    const expected = layer.options.batchFirst ? `[batch, length, ${layer.dModel}]` : `[length, batch, ${layer.dModel}]`;
    throw new ShapeMismatchError(`${op}: argument 'x' must have shape ${expected}; received ${formatShape(x.shape)}`);
  }
  const timeAxis = layer.options.batchFirst ? 1 : 0;
  const length = x.shape[timeAxis];
  const input = x.detach().requiresGrad_();
  const output = encoder.forward(input, { mask: options.mask, srcKeyPaddingMask: options.srcKeyPaddingMask, isCausal: options.isCausal });
  const lastOutput = reshape(narrow(output, timeAxis, length - 1, 1), [x.shape[1 - timeAxis], layer.dModel]);
  const loss = options.loss ? options.loss(lastOutput) : sum(lastOutput);
  const saved = encoder.parameters().map((p) => p.grad);
  try {
    loss.backward();
  } finally {
    encoder.parameters().forEach((p, i) => (p.grad = saved[i]));
  }
  const grad = input.grad;
  return noGrad(() => Float64Array.from({ length }, (_, k) => (grad === null ? 0 : sqrt(sum(square(narrow(grad, timeAxis, k, 1)))).item())));
}
