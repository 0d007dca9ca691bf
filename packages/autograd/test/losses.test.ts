import { describe, expect, it } from 'vitest';
import { Generator, logSoftmax, tensor, type Tensor } from '@seqlab/tensor-core';
import { binaryCrossEntropyWithLogits, crossEntropy, gradcheck, l1Loss, mseLoss, nllLoss } from '@seqlab/autograd';
import { leaf } from './helpers.js';

const gen = new Generator(77);
const ids = (v: number[], shape?: number[]): Tensor => tensor(v, shape, 'int32');
const f64 = (v: number[] | number[][], shape?: number[]): Tensor => tensor(v, shape, 'float64');

/** Reference cross-entropy with label smoothing and ignore index, written out per sample. */
function referenceCE(logits: number[][], target: number[], eps: number, ignore: number, weight?: number[]): { sum: number; count: number } {
  let total = 0;
  let count = 0;
  logits.forEach((row, i) => {
    if (target[i] === ignore) return;
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    const logp = row.map((v) => v - lse);
    const w = weight ?? row.map(() => 1);
    const C = row.length;
    total += (1 - eps) * -w[target[i]] * logp[target[i]] + (eps / C) * logp.reduce((s, lp, c) => s - w[c] * lp, 0);
    count += w[target[i]];
  });
  return { sum: total, count };
}

describe('crossEntropy', () => {
  const logits = [
    [1.2, -0.3, 0.5],
    [0.1, 2.0, -1.0],
    [-0.7, 0.2, 0.9],
    [0.3, 0.3, 0.3],
  ];
  const target = [0, 2, -100, 1];

  it('label smoothing with ignoreIndex, mean and sum', () => {
    const ref = referenceCE(logits, target, 0.1, -100);
    const mean = crossEntropy(f64(logits), ids(target), { labelSmoothing: 0.1 }).item();
    expect(mean).toBeCloseTo(ref.sum / ref.count, 12);
    const sum = crossEntropy(f64(logits), ids(target), { labelSmoothing: 0.1, reduction: 'sum' }).item();
    expect(sum).toBeCloseTo(ref.sum, 12);
  });

  it('class weights, with and without smoothing', () => {
    const w = [0.5, 2, 1];
    const t = [0, 2, 1, 1];
    for (const eps of [0, 0.2]) {
      const ref = referenceCE(logits, t, eps, -100, w);
      const got = crossEntropy(f64(logits), ids(t), { weight: f64(w), labelSmoothing: eps }).item();
      expect(got).toBeCloseTo(ref.sum / ref.count, 12);
    }
  });

  it('reduction none gives one loss per sample, 0 for ignored ones', () => {
    const out = crossEntropy(f64(logits), ids(target), { reduction: 'none' });
    expect([...out.shape]).toEqual([4]);
    expect(out.dataSync()[2]).toBe(0);
  });

  it('[N, C, d] inputs use axis 1 as the class axis; [C] inputs take a scalar target', () => {
    const x = leaf(gen, [2, 3, 4]);
    const t = ids([0, 1, 2, 1, 2, 2, 0, 0], [2, 4]);
    expect(gradcheck((a) => crossEntropy(a, t, { labelSmoothing: 0.05 }), [x])).toBe(true);
    const single = crossEntropy(f64([1, 2, 3]), ids([2], []));
    expect(single.item()).toBeCloseTo(-(3 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3))), 12);
  });

  it('is gradchecked for every option', () => {
    const x = leaf(gen, [4, 3]);
    const t = ids(target);
    expect(gradcheck((a) => crossEntropy(a, t), [x])).toBe(true);
    expect(gradcheck((a) => crossEntropy(a, t, { reduction: 'sum', labelSmoothing: 0.3 }), [x])).toBe(true);
    expect(gradcheck((a) => crossEntropy(a, t, { reduction: 'none', weight: f64([1, 2, 3]) }), [x])).toBe(true);
  });

  it('soft (probability) targets', () => {
    const probs = f64([
      [0.7, 0.2, 0.1],
      [0, 0, 1],
    ]);
    const x = f64([
      [1, 2, 3],
      [0, 0, 0],
    ]);
    const got = crossEntropy(x, probs).item();
    const lp = (row: number[]) => {
      const lse = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
      return row.map((v) => v - lse);
    };
    const l0 = lp([1, 2, 3]);
    const expected = (-(0.7 * l0[0] + 0.2 * l0[1] + 0.1 * l0[2]) + Math.log(3)) / 2;
    expect(got).toBeCloseTo(expected, 12);
    expect(gradcheck((a) => crossEntropy(a, probs, { labelSmoothing: 0.1 }), [leaf(gen, [2, 3])])).toBe(true);
  });

  it('rejects out-of-range targets and wrong shapes with typed errors', () => {
    expect(() => crossEntropy(f64(logits), ids([0, 3, 1, 1]))).toThrow(/holds 3 at flat index 1; class indices must be in \[0, 2\]/);
    expect(() => crossEntropy(f64(logits), ids([0, 1]))).toThrowError(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => crossEntropy(f64(logits), f64([0, 1, 2, 1]))).toThrowError(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => crossEntropy(f64(logits), ids(target), { reduction: 'avg' as 'mean' })).toThrow(/'mean', 'sum' or 'none'/);
  });
});

describe('nllLoss', () => {
  it('equals crossEntropy on log-probabilities', () => {
    const x = f64([
      [1, 2, 0.5],
      [0.3, -1, 2],
    ]);
    const t = ids([1, 2]);
    expect(nllLoss(logSoftmax(x, 1), t).item()).toBeCloseTo(crossEntropy(x, t).item(), 12);
    expect(gradcheck((a) => nllLoss(a, t, { reduction: 'sum' }), [leaf(gen, [2, 3])])).toBe(true);
  });
});

describe('regression and binary losses', () => {
  it('mse and l1 with every reduction', () => {
    const a = f64([1, 2, 4]);
    const b = f64([0, 2, 1]);
    expect(mseLoss(a, b).item()).toBeCloseTo(10 / 3, 12);
    expect(mseLoss(a, b, { reduction: 'sum' }).item()).toBe(10);
    expect(l1Loss(a, b).item()).toBeCloseTo(4 / 3, 12);
    expect(l1Loss(a, b, { reduction: 'none' }).toArray()).toEqual([1, 0, 3]);
    expect(gradcheck((x) => mseLoss(x, b), [leaf(gen, [3])])).toBe(true);
    expect(gradcheck((x) => l1Loss(x, b), [f64([1.5, 2.5, 0]).requiresGrad_()])).toBe(true);
    expect(() => mseLoss(f64([[1], [2]]), f64([1, 2]))).toThrowError(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
  });

  it('binaryCrossEntropyWithLogits is stable and matches the formula', () => {
    const x = f64([-30, -1, 0, 2, 40]);
    const t = f64([0, 1, 0.5, 0, 1]);
    const got = binaryCrossEntropyWithLogits(x, t, { reduction: 'none' }).dataSync();
    [-30, -1, 0, 2, 40].forEach((v, i) => {
      const tt = [0, 1, 0.5, 0, 1][i];
      const expected = Math.max(v, 0) - v * tt + Math.log1p(Math.exp(-Math.abs(v)));
      expect(got[i]).toBeCloseTo(expected, 12);
    });
    const pw = f64([3]);
    const withPw = binaryCrossEntropyWithLogits(f64([0.5]), f64([1]), { posWeight: pw }).item();
    expect(withPw).toBeCloseTo(3 * Math.log1p(Math.exp(-0.5)), 12);
    expect(gradcheck((a) => binaryCrossEntropyWithLogits(a, f64([0, 1, 0.3, 1]), { posWeight: f64([2]) }), [leaf(gen, [4])])).toBe(true);
  });
});
