// Gradient rules of the elementwise unary ops, gelu and clamp.
import {
  cos,
  div,
  equal,
  exp,
  fusedKernel,
  greaterEqual,
  lessEqual,
  logicalAnd,
  mul,
  neg,
  sign,
  sin,
  square,
  sub,
  tanh,
  where,
  zerosLike,
  add,
  greater,
  type Tensor,
  type UnaryOpName,
} from '@seqlab/tensor-core';
import type { GradRules } from './grad-rule.js';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const GELU_TANH_COEF = 0.044715;

/** Piecewise-constant ops: their derivative is zero wherever it exists, as in PyTorch. */
const zero = (_g: Tensor, { inputs }: { inputs: readonly Tensor[] }): Tensor[] => [zerosLike(inputs[0])];

/** Rules for every elementwise unary op plus `gelu` and `clamp`. */
export const unaryRules: GradRules<UnaryOpName | 'gelu' | 'clamp'> = {
  neg: (g) => [neg(g)],
  abs: (g, { inputs: [x] }) => [mul(g, sign(x))],
  exp: (g, { output }) => [mul(g, output)],
  log: (g, { inputs: [x] }) => [div(g, x)],
  log1p: (g, { inputs: [x] }) => [div(g, add(x, 1))],
  sqrt: (g, { output }) => [div(g, mul(output, 2))],
  // d(x^-1/2) = -1/2 x^-3/2 = -1/2 · out³
  rsqrt: (g, { output }) => [mul(g, mul(mul(output, square(output)), -0.5))],
  tanh: (g, { output }) => [mul(g, sub(1, square(output)))],
  sigmoid: (g, { output }) => [mul(g, mul(output, sub(1, output)))],
  relu: (g, { inputs: [x] }) => [where(greater(x, 0), g, 0)],
  sin: (g, { inputs: [x] }) => [mul(g, cos(x))],
  cos: (g, { inputs: [x] }) => [neg(mul(g, sin(x)))],
  square: (g, { inputs: [x] }) => [mul(g, mul(x, 2))],
  reciprocal: (g, { output }) => [neg(mul(g, square(output)))],
  sign: zero,
  floor: zero,
  ceil: zero,
  round: zero,
  gelu: (g, { inputs: [x], output, attrs }) => {
    // One pass on the backend's fused gradient where it has one; composedGeluGrad is its reference.
    const fused = g.dtype === x.dtype ? fusedKernel(x.backend, 'geluBackward') : undefined;
    if (fused !== undefined) return [fused(g, x, attrs.approximate === 'tanh').dx];
    return [composedGeluGrad(g, x, output, attrs.approximate === 'tanh')];
  },
  // The gradient passes where min ≤ x ≤ max (bounds included), as torch.clamp.
  clamp: (g, { inputs: [x], attrs }) => [where(logicalAnd(greaterEqual(x, attrs.min), lessEqual(x, attrs.max)), g, 0)],
};

/**
 * GELU's gradient from composed ops, `g·gelu'(x)` given the forward's `output`: the reference every backend's fused
 * `geluBackward` must equal.
 */
export function composedGeluGrad(g: Tensor, x: Tensor, output: Tensor, tanhForm: boolean): Tensor {
  if (tanhForm) {
    // y = x/2 · (1 + tanh u), u = √(2/π)(x + c·x³)
    const x2 = square(x);
    const t = tanh(mul(mul(x, add(mul(x2, GELU_TANH_COEF), 1)), SQRT_2_OVER_PI));
    const du = mul(add(mul(x2, 3 * GELU_TANH_COEF), 1), SQRT_2_OVER_PI);
    const dy = add(mul(add(t, 1), 0.5), mul(mul(mul(x, 0.5), sub(1, square(t))), du));
    return mul(g, dy);
  }
  // y = x·Φ(x), so y' = Φ(x) + x·φ(x); Φ is recovered from the output (no erf op needed), 1/2 at x = 0.
  const cdf = where(equal(x, 0), 0.5, div(output, x));
  const pdf = mul(exp(mul(square(x), -0.5)), INV_SQRT_2PI);
  return mul(g, add(cdf, mul(x, pdf)));
}
