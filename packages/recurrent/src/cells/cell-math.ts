// The vanilla RNN step and the input/hidden projections every gate uses, written with tensor ops (the LSTM and GRU
// steps live with their fused ops in layers/lstm-sequence.ts and layers/gru-sequence.ts).
import { add, matmul, relu, tanh, type Tensor } from '@seqlab/tensor-core';

/** Nonlinearity of a vanilla RNN, as `nn.RNN(nonlinearity=...)`. */
export type RNNNonlinearity = 'tanh' | 'relu';

/** `x·W_ihᵀ + b_ih`: the input side of every gate, for one step (`x` `[B, I]`) or a whole sequence (`[T, B, I]`). */
export function inputProjection(x: Tensor, weightIh: Tensor, biasIh: Tensor | null): Tensor {
  const projected = matmul(x, weightIh, { transB: true });
  return biasIh === null ? projected : add(projected, biasIh);
}

/** `h·W_hhᵀ + b_hh`: the hidden side of every gate. */
export function hiddenProjection(h: Tensor, weightHh: Tensor, biasHh: Tensor | null): Tensor {
  const projected = matmul(h, weightHh, { transB: true });
  return biasHh === null ? projected : add(projected, biasHh);
}

/** Vanilla RNN step: `h' = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)`, with `xProj` the input side. */
export function rnnStep(xProj: Tensor, h: Tensor, weightHh: Tensor, biasHh: Tensor | null, nonlinearity: RNNNonlinearity): Tensor {
  const pre = add(xProj, hiddenProjection(h, weightHh, biasHh));
  return nonlinearity === 'tanh' ? tanh(pre) : relu(pre);
}
