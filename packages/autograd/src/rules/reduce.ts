// Gradient rules of the reductions sum, max, min and prod.
import { cast, div, equal, expand, logicalAnd, mul, prod, reshape, sum, where, type ReduceAttrs, type ReduceOpName, type Tensor } from '@seqlab/tensor-core';
import type { GradRules } from './grad-rule.js';

/** `t` (a reduction's output or its gradient) with the reduced axes restored as size 1, so it broadcasts against x. */
function keepReduced(t: Tensor, x: Tensor, { axes, keepDims }: ReduceAttrs): Tensor {
  if (keepDims || axes.length === 0) return t;
  return reshape(
    t,
    x.shape.map((d, i) => (axes.includes(i) ? 1 : d)),
  );
}

/** max/min: the gradient goes to the extreme elements, split evenly among ties (as torch.amax/amin). */
function extremeRule(g: Tensor, x: Tensor, output: Tensor, attrs: ReduceAttrs): Tensor {
  const hit = cast(equal(x, keepReduced(output, x, attrs)), x.dtype);
  const count = sum(hit, [...attrs.axes], true);
  return mul(hit, div(keepReduced(g, x, attrs), count));
}

/** Rules for `sum`, `max`, `min` and `prod`. */
export const reduceRules: GradRules<ReduceOpName> = {
  sum: (g, { inputs: [x], attrs }) => [expand(keepReduced(g, x, attrs), [...x.shape])],
  max: (g, { inputs: [x], output, attrs }) => [extremeRule(g, x, output, attrs)],
  min: (g, { inputs: [x], output, attrs }) => [extremeRule(g, x, output, attrs)],
  // ∂(Πx)/∂x_i is the product of the others; computed from the zero count so that zeros give exact answers:
  // no zero → out/x_i; one zero → the product of the non-zeros at the zero, 0 elsewhere; two or more → 0.
  prod: (g, { inputs: [x], attrs }) => {
    const axes = [...attrs.axes];
    const isZero = equal(x, 0);
    const zeroCount = sum(cast(isZero, x.dtype), axes, true);
    const safe = where(isZero, 1, x);
    const nonZeroProd = prod(safe, axes, true);
    const others = where(equal(zeroCount, 0), div(nonZeroProd, safe), where(logicalAnd(equal(zeroCount, 1), isZero), nonZeroProd, 0));
    return [mul(keepReduced(g, x, attrs), others)];
  },
};
