// Gradient rules of gather, scatterAdd and cast.
import { cast, gather, isFloatDType, scatterAdd, zerosLike } from '@seqlab/tensor-core';
import type { GradRules } from './grad-rule.js';

/** Rules for `gather`, `scatterAdd` and `cast`. */
export const indexingRules: GradRules<'gather' | 'scatterAdd' | 'cast'> = {
  // Rows gathered several times receive the sum of their gradients.
  gather: (g, { inputs: [x, indices], attrs }) => [scatterAdd(zerosLike(x), indices, g, attrs.axis), null],
  scatterAdd: (g, { inputs: [, indices], attrs, needsGrad }) => [g, null, needsGrad[2] ? gather(g, indices, attrs.axis) : null],
  cast: (g, { inputs: [x] }) => [isFloatDType(x.dtype) ? cast(g, x.dtype) : null],
};
