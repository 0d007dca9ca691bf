// Gradient rules of softmax and logSoftmax, written with the saved output.
import { exp, mul, sub, sum } from '@seqlab/tensor-core';
import type { GradRules } from './grad-rule.js';

/** Rules for `softmax` and `logSoftmax`. */
export const softmaxRules: GradRules<'softmax' | 'logSoftmax'> = {
  // y = softmax(x): dx = y ⊙ (g − Σ g⊙y)
  softmax: (g, { output, attrs }) => [mul(output, sub(g, sum(mul(g, output), attrs.axis, true)))],
  // y = logSoftmax(x): dx = g − softmax(x) · Σ g
  logSoftmax: (g, { output, attrs }) => [sub(g, mul(exp(output), sum(g, attrs.axis, true)))],
};
