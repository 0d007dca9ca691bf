// Gradient rules of the broadcasting binary ops and where; each gradient is summed back to its input's shape.
import { div, equal, greater, greaterEqual, less, log, logicalAnd, mul, neg, pow, sub, where, type BinaryOpName, type Tensor } from '@seqlab/tensor-core';
import type { GradRules } from './grad-rule.js';
import { sumToShape } from './sum-to-shape.js';

/** `grad` reduced to input `i`'s shape, or null when that input needs no gradient. */
function toInput(grad: () => Tensor, inputs: readonly Tensor[], needsGrad: readonly boolean[], i: number): Tensor | null {
  return needsGrad[i] ? sumToShape(grad(), inputs[i].shape) : null;
}

/** Rules for `add`, `sub`, `mul`, `div`, `pow`, `maximum`, `minimum` and `where`. */
export const binaryRules: GradRules<BinaryOpName | 'where'> = {
  add: (g, { inputs, needsGrad }) => [toInput(() => g, inputs, needsGrad, 0), toInput(() => g, inputs, needsGrad, 1)],
  sub: (g, { inputs, needsGrad }) => [toInput(() => g, inputs, needsGrad, 0), toInput(() => neg(g), inputs, needsGrad, 1)],
  mul: (g, { inputs: [a, b], needsGrad }) => [toInput(() => mul(g, b), [a, b], needsGrad, 0), toInput(() => mul(g, a), [a, b], needsGrad, 1)],
  // d(a/b)/db = -a/b² = -out/b
  div: (g, { inputs: [a, b], output, needsGrad }) => [
    toInput(() => div(g, b), [a, b], needsGrad, 0),
    toInput(() => neg(div(mul(g, output), b)), [a, b], needsGrad, 1),
  ],
  pow: (g, { inputs: [a, b], output, needsGrad }) => [
    // b·a^(b-1); where b == 0 the term is 0 even at a == 0 (PyTorch's convention).
    toInput(() => where(equal(b, 0), 0, mul(g, mul(b, pow(a, sub(b, 1))))), [a, b], needsGrad, 0),
    // out·log(a); taken as 0 where a == 0 and b ≥ 0, where the limit is 0 rather than NaN.
    toInput(() => where(logicalAnd(equal(a, 0), greaterEqual(b, 0)), 0, mul(g, mul(output, log(a)))), [a, b], needsGrad, 1),
  ],
  // Ties split the gradient evenly between both inputs, as torch.maximum.
  maximum: (g, { inputs: [a, b], needsGrad }) => [
    toInput(() => where(equal(a, b), mul(g, 0.5), where(greater(a, b), g, 0)), [a, b], needsGrad, 0),
    toInput(() => where(equal(a, b), mul(g, 0.5), where(less(a, b), g, 0)), [a, b], needsGrad, 1),
  ],
  minimum: (g, { inputs: [a, b], needsGrad }) => [
    toInput(() => where(equal(a, b), mul(g, 0.5), where(less(a, b), g, 0)), [a, b], needsGrad, 0),
    toInput(() => where(equal(a, b), mul(g, 0.5), where(greater(a, b), g, 0)), [a, b], needsGrad, 1),
  ],
  where: (g, { inputs: [cond, a, b], needsGrad }) => [
    null,
    toInput(() => where(cond, g, 0), [cond, a, b], needsGrad, 1),
    toInput(() => where(cond, 0, g), [cond, a, b], needsGrad, 2),
  ],
};
