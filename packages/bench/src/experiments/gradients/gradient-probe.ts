// Measuring ‖∂L/∂h_k‖ for every step k of a recurrent model (and ‖∂L/∂x_k‖ for a Transformer), L being the loss at
// the last step: a zero perturbation is added to each state, and its gradient is the gradient of that state.
import { crossEntropy, setRequiresGrad } from '@seqlab/autograd';
import { GRUCell, LSTMCell, RNNCell } from '@seqlab/recurrent';
import { add, InvalidArgumentError, narrow, reshape, sqrt, square, sum, zeros, zerosLike, type Tensor } from '@seqlab/tensor-core';
import type { SequenceModel } from '../shared/sequence-model.js';

/** ‖g‖ (Frobenius) of a gradient, or 0 when the tensor received none. */
function norm(g: Tensor | null): number {
  return g === null ? 0 : sqrt(sum(square(g))).item();
}

/** The first layer's cell with the model's weights, so the time loop can expose every hidden state. */
function cellOf(model: SequenceModel): RNNCell | LSTMCell | GRUCell {
  const layer = model.recurrent;
  if (layer === null) throw new InvalidArgumentError(`gradientNorms: expected a recurrent model; received a ${model.config.kind}`);
  const input = layer.inputSize;
  const hidden = layer.hiddenSize;
  const kind = model.config.kind;
  const cell = kind === 'RNN' ? new RNNCell(input, hidden) : kind === 'LSTM' ? new LSTMCell(input, hidden) : new GRUCell(input, hidden);
  const p = layer.cellParameters(0);
  const state: Record<string, Tensor> = { weight_ih: p.weightIh, weight_hh: p.weightHh };
  if (p.biasIh !== null) state.bias_ih = p.biasIh;
  if (p.biasHh !== null) state.bias_hh = p.biasHh;
  cell.loadStateDict(state);
  return cell;
}

/**
 * Norms of ∂L/∂h_k for k = 0…T−1 (recurrent models) or ∂L/∂x_k (a Transformer's encoder input), where L is the
 * cross-entropy of the last step's output against `targets[:, T−1]`, for the batch `inputs`.
 *
 * @example
 * ```ts
 * const model = new SequenceModel({ kind: 'RNN', vocabSize: 5, hiddenSize: 8, outputSize: 5, seed: 0 });
 * const ids = tensor(Int32Array.from([1, 2, 3, 4, 0, 1]), [1, 6], { dtype: 'int32' });
 * const norms = gradientNorms(model, ids, ids); // ‖∂L/∂h_k‖ for k = 0…5
 * console.assert(norms.length === 6 && norms.every((g) => g >= 0) && norms[5] > 0);
 * ```
 */
export function gradientNorms(model: SequenceModel, inputs: Tensor, targets: Tensor): number[] {
  const steps = inputs.shape[1];
  const lastTarget = reshape(narrow(targets, 1, steps - 1, 1), [-1]);
  const embedded = model.embed(inputs);
  if (model.recurrent === null) {
    const probe = setRequiresGrad(zerosLike(embedded));
    const out = model.runEmbedded(add(embedded, probe)).output;
    const last = reshape(narrow(out, 1, steps - 1, 1), [out.shape[0], out.shape[2]]);
    crossEntropy(last, lastTarget).backward();
    const g = probe.grad;
    const norms: number[] = [];
    for (let k = 0; k < steps; k++) norms.push(g === null ? 0 : norm(narrow(g, 1, k, 1)));
    return norms;
  }
  if (model.recurrent.numLayers !== 1)
    throw new InvalidArgumentError(`gradientNorms: the probe follows one recurrent layer; received a model with numLayers ${model.recurrent.numLayers}`);
  const cell = cellOf(model);
  const batch = inputs.shape[0];
  const hidden = model.recurrent.hiddenSize;
  const probes: Tensor[] = [];
  let h: Tensor = zeros([batch, hidden]);
  let c: Tensor = zeros([batch, hidden]);
  for (let t = 0; t < steps; t++) {
    const x = reshape(narrow(embedded, 1, t, 1), [batch, embedded.shape[2]]);
    if (cell instanceof LSTMCell) [h, c] = cell.forward(x, [h, c]);
    else h = cell.forward(x, h);
    const probe = setRequiresGrad(zeros([batch, hidden]));
    probes.push(probe);
    h = add(h, probe);
  }
  const logits = model.head.forward(h);
  crossEntropy(logits, lastTarget).backward();
  return probes.map((p) => norm(p.grad));
}

/**
 * ‖∂L/∂h_{T−1−d}‖ / ‖∂L/∂h_{T−1}‖ for d = 0…T−1: the gradient reaching d steps back, relative to the last step.
 *
 * @example
 * ```ts
 * console.assert(relativeToLast([0.01, 0.1, 1]).join() === '1,0.1,0.01'); // distance 0 first
 * ```
 */
export function relativeToLast(norms: readonly number[]): number[] {
  const last = norms[norms.length - 1];
  const out: number[] = [];
  for (let d = 0; d < norms.length; d++) out.push(last > 0 ? norms[norms.length - 1 - d] / last : 0);
  return out;
}

/**
 * The smallest distance d at which the relative gradient falls below `threshold` (the length when it never does).
 *
 * @example
 * ```ts
 * console.assert(effectiveContext([1, 0.3, 0.05, 0.004]) === 3);
 * console.assert(effectiveContext([1, 0.3, 0.05], 0.1) === 2 && effectiveContext([1, 0.5]) === 2); // never below: the length
 * ```
 */
export function effectiveContext(relative: readonly number[], threshold = 0.01): number {
  for (let d = 0; d < relative.length; d++) if (relative[d] < threshold) return d;
  return relative.length;
}
