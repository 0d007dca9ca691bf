// Accuracy of the CPU backend's float64 erf/erfc against 50-digit mpmath values.
import { describe, expect, it } from 'vitest';
import { erf, erfc } from '../src/cpu/erf.js';
import { erfGeluReference as reference } from '@seqlab/test-utils/suites';

function relativeError(actual: number, expected: number): number {
  return expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
}

describe('cpu erf / erfc', () => {
  const rows = reference.erf.rows as [number, number, number][];

  it('erf is within 5e-16 relative of mpmath over [-27, 27], including the range seams', () => {
    let worst = 0;
    for (const [x, e] of rows) worst = Math.max(worst, relativeError(erf(x), e));
    expect(worst).toBeLessThan(5e-16);
  });

  it('erfc keeps 6e-16 relative accuracy into the far right tail', () => {
    for (const [x, , c] of rows) {
      // Past x ≈ 26.5 erfc is subnormal and has fewer significant bits than 1e-15.
      if (c < 1e-290) continue;
      expect(relativeError(erfc(x), c)).toBeLessThan(6e-16);
    }
  });

  it('handles the special values', () => {
    expect(erf(0)).toBe(0);
    expect(Object.is(erf(-0), -0)).toBe(true);
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erf(NaN)).toBeNaN();
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(-Infinity)).toBe(2);
    expect(erfc(NaN)).toBeNaN();
    expect(erfc(30)).toBe(0);
  });

  it('is odd (erf) and reflects (erfc(-x) = 2 - erfc(x)) exactly', () => {
    for (const [x] of rows) {
      expect(erf(-x)).toBe(-erf(x));
      if (x >= 1) expect(erfc(-x)).toBe(2 - erfc(x));
    }
  });
});
