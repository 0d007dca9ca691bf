// gradcheckReport: the errors gradcheck measures, on a correct rule, a wrong one, and a NaN gradient.
import { customOp, gradcheck, gradcheckParameters, gradcheckReport, Linear } from '@seqlab/autograd';
import { Generator, matmul, mul, ones, sqrt, square, sum, tanh, tensor } from '@seqlab/tensor-core';
import { describe, expect, it } from 'vitest';

const f64 = (v: number[]) => tensor(v, undefined, 'float64').requiresGrad_();

/** x² whose backward forgets the factor 2: every check below must catch it. */
const badSquare = customOp({
  name: 'badSquareReport',
  inputs: ['x'],
  forward: ([a]) => ({ outputs: square(a) }),
  backward: ([g], _saved, { inputs: [a] }) => [mul(g, a)],
});

describe('gradcheckReport', () => {
  it('passes a correct function with errors at finite-difference noise, counting every Jacobian entry', () => {
    const x = tensor(
      [
        [0.3, -1.2],
        [2.0, 0.5],
      ],
      undefined,
      'float64',
    ).requiresGrad_();
    const report = gradcheckReport((a) => tanh(matmul(a, a)), [x]);
    expect(report.passed).toBe(true);
    expect(report.failure).toBeNull();
    expect(report.entries).toBe(16);
    expect(report.maxAbsoluteError).toBeGreaterThan(0);
    expect(report.maxAbsoluteError).toBeLessThan(1e-8);
    expect(report.maxRelativeError).toBeLessThan(1e-7);
    expect(x.grad).toBeNull();
  });

  it('measures a wrong rule: d(x²)/dx given as x has relative error 1/2, and gradcheck agrees on the verdict', () => {
    const x = f64([0.5, -1, 2]);
    const report = gradcheckReport((a) => badSquare(a), [x]);
    expect(report.passed).toBe(false);
    expect(report.entries).toBe(9);
    expect(report.maxAbsoluteError).toBeCloseTo(2, 6); // |2·2 − 2| at x = 2
    expect(report.maxRelativeError).toBeCloseTo(0.5, 6);
    expect(report.failure).toMatch(/backward gave 2, finite differences 4/);
    expect(gradcheck((a) => badSquare(a), [x], { raiseException: false })).toBe(false);
    expect(() => gradcheck((a) => badSquare(a), [x])).toThrow(report.failure as string);
  });

  it('reports a NaN gradient as a NaN error and a failure', () => {
    const report = gradcheckReport((a) => sqrt(a), [f64([0, 1])], { raiseException: true });
    expect(report.passed).toBe(false);
    expect(report.maxAbsoluteError).toBeNaN();
    expect(report.maxRelativeError).toBeNaN();
  });
});

describe('gradcheckParameters', () => {
  it('checks a module’s parameters in place and restores their values and gradients', () => {
    const layer = new Linear(3, 2, { dtype: 'float64', generator: new Generator(0) });
    const x = tensor([[0.5, -1, 2]], undefined, 'float64');
    const before = layer.weight.dataSync().slice();
    const sentinel = ones([2], 'float64');
    (layer.bias as typeof layer.weight).grad = sentinel;
    const checked = gradcheckParameters(() => tanh(layer.forward(x)), layer.parameters());
    expect(checked.passed).toBe(true);
    expect(checked.entries).toBe(2 * (6 + 2)); // two outputs × (weight 2×3 + bias 2)
    expect(checked.maxRelativeError).toBeLessThan(1e-6);
    expect(layer.weight.dataSync()).toEqual(before);
    expect(layer.weight.grad).toBeNull();
    expect(layer.bias?.grad).toBe(sentinel);
  });

  it('finds a wrong gradient rule on a parameter and names it', () => {
    const layer = new Linear(2, 2, { dtype: 'float64', generator: new Generator(1) });
    const x = tensor([[1, -2]], undefined, 'float64');
    const checked = gradcheckParameters(() => sum(badSquare(layer.forward(x))), [layer.weight]);
    expect(checked.passed).toBe(false);
    expect(checked.failure).toMatch(/^gradcheck: d\(output 0\[0\]\) \/ d\(parameter 0\[\d\]\): backward gave/);
    expect(checked.maxRelativeError).toBeCloseTo(0.5, 6);
  });

  it('rejects float32 or missing parameters with the argument named', () => {
    const layer = new Linear(2, 2);
    expect(() => gradcheckParameters(() => layer.forward(ones([1, 2])), layer.parameters())).toThrowError(expect.objectContaining({ code: 'DTYPE_MISMATCH' }));
    expect(() => gradcheckParameters(() => layer.forward(ones([1, 2])), [])).toThrow(/argument 'parameters' must be a non-empty array/);
  });
});
