// Gradient rules of the movement ops: each sends the gradient back through the inverse rearrangement.
import { flip, pad, permute, reshape, slice, tril, triu, type Tensor } from '@seqlab/tensor-core';
import type { GradRules } from './grad-rule.js';
import { sumToShape } from './sum-to-shape.js';

/** Inverse of a `pad` (pads are non-negative and one pair per dimension): crop what was added. */
function unpad(g: Tensor, pads: readonly (readonly [number, number])[]): Tensor {
  const size = g.shape.map((d, i) => d - pads[i][0] - pads[i][1]);
  return slice(
    g,
    pads.map((p) => p[0]),
    size,
  );
}

/** Rules for `reshape`, `transpose`, `expand`, `slice`, `concat`, `pad`, `flip`, `tril` and `triu`. */
export const movementRules: GradRules<'reshape' | 'transpose' | 'expand' | 'slice' | 'concat' | 'pad' | 'flip' | 'tril' | 'triu'> = {
  reshape: (g, { inputs: [x] }) => [reshape(g, [...x.shape])],
  transpose: (g, { attrs }) => {
    const inverse = new Array<number>(attrs.perm.length);
    attrs.perm.forEach((p, i) => (inverse[p] = i));
    return [permute(g, inverse)];
  },
  expand: (g, { inputs: [x] }) => [sumToShape(g, x.shape)],
  // The slice's gradient is zero outside the window: pad it back to the input's shape.
  slice: (g, { inputs: [x], attrs }) => [
    pad(
      g,
      x.shape.map((d, i): [number, number] => [attrs.begin[i], d - attrs.begin[i] - g.shape[i]]),
      0,
    ),
  ],
  concat: (g, { inputs, attrs, needsGrad }) => {
    const axis = attrs.axis < 0 ? attrs.axis + g.rank : attrs.axis;
    let offset = 0;
    return inputs.map((x, i) => {
      const start = offset;
      offset += x.shape[axis];
      if (!needsGrad[i]) return null;
      const begin = g.shape.map((_, d) => (d === axis ? start : 0));
      return slice(g, begin, [...x.shape]);
    });
  },
  pad: (g, { attrs }) => [unpad(g, attrs.pads)],
  flip: (g, { attrs }) => [flip(g, [...attrs.axes])],
  tril: (g, { attrs }) => [tril(g, attrs.k)],
  triu: (g, { attrs }) => [triu(g, attrs.k)],
};
