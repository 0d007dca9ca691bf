// Loss and accuracy helpers over per-step model outputs, shared by the task experiments.
import { crossEntropy } from '@seqlab/autograd';
import { argmax, narrow, reshape, type Tensor } from '@seqlab/tensor-core';

/** Mean cross-entropy of `[batch, length, classes]` logits against int32 `[batch, length]` targets. */
export function sequenceCrossEntropy(logits: Tensor, targets: Tensor): Tensor {
  const classes = logits.shape[2];
  return crossEntropy(reshape(logits, [-1, classes]), reshape(targets, [-1]));
}

/** Fraction of positions in steps `[from, from + count)` whose arg-max class equals the target. */
export function windowAccuracy(logits: Tensor, targets: Tensor, from: number, count: number): number {
  const predicted = argmax(narrow(logits, 1, from, count), -1).dataSync();
  const wanted = narrow(targets, 1, from, count).dataSync();
  let hits = 0;
  for (let i = 0; i < wanted.length; i++) if (predicted[i] === wanted[i]) hits++;
  return hits / wanted.length;
}

/** Mean of a list (NaN for an empty list). */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Least-squares slope of log(y) against log(x): the exponent p of y ∝ x^p. */
export function logLogSlope(xs: readonly number[], ys: readonly number[]): number {
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const mx = mean(lx);
  const my = mean(ly);
  let num = 0;
  let den = 0;
  for (let i = 0; i < lx.length; i++) {
    num += (lx[i] - mx) * (ly[i] - my);
    den += (lx[i] - mx) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}
