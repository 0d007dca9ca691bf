// The recurrent step equations written with tensor ops (the composed path), shared by the cells and the layers.
import { add, chunk, matmul, mul, relu, sigmoid, sub, tanh, type Tensor } from '@seqlab/tensor-core';

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

/**
 * LSTM step in PyTorch's gate order i, f, g, o: `c' = σ(f)·c + σ(i)·tanh(g)`, `h' = σ(o)·tanh(c')`.
 * `xProj` is the input side `[B, 4H]`; returns `[h', c']`.
 */
export function lstmStep(xProj: Tensor, h: Tensor, c: Tensor, weightHh: Tensor, biasHh: Tensor | null): [Tensor, Tensor] {
  const [i, f, g, o] = chunk(add(xProj, hiddenProjection(h, weightHh, biasHh)), 4, -1);
  const cNext = add(mul(sigmoid(f), c), mul(sigmoid(i), tanh(g)));
  return [mul(sigmoid(o), tanh(cNext)), cNext];
}

/**
 * GRU step in PyTorch's gate order r, z, n, with `b_hn` inside the reset product:
 * `n = tanh(x_n + r·(W_hn h + b_hn))`, `h' = (1−z)·n + z·h`. `xProj` is the input side `[B, 3H]`.
 */
export function gruStep(xProj: Tensor, h: Tensor, weightHh: Tensor, biasHh: Tensor | null): Tensor {
  const [xr, xz, xn] = chunk(xProj, 3, -1);
  const [hr, hz, hn] = chunk(hiddenProjection(h, weightHh, biasHh), 3, -1);
  const r = sigmoid(add(xr, hr));
  const z = sigmoid(add(xz, hz));
  const n = tanh(add(xn, mul(r, hn)));
  // (1−z)·n + z·h written as n + z·(h − n): one op fewer, same value.
  return add(n, mul(z, sub(h, n)));
}
