import { describe, expect, it } from 'vitest';
import { curveTrend, lossTrend, MOVING_DEFINITION } from '../src/index.js';

const curve = (values: number[]): { step: number; value: number }[] => values.map((value, i) => ({ step: (i + 1) * 100, value }));

describe('learning-curve trend ("still moving")', () => {
  it('calls an accuracy curve moving only when it gained more than the threshold over the last 20 % of the steps', () => {
    // Steps 100…1000: the last 20 % runs from step 800 to 1000.
    expect(curveTrend(curve([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95]), true)).toMatchObject({ moving: true });
    expect(curveTrend(curve([0.1, 0.9, 0.95, 0.96, 0.96, 0.96, 0.96, 0.97, 0.97, 0.97]), true).moving).toBe(false);
    // A flat curve at chance is not moving: the claim is decided, not "depends".
    expect(curveTrend(curve([0.125, 0.13, 0.12, 0.125, 0.126, 0.124, 0.125, 0.125, 0.126, 0.124]), true).moving).toBe(false);
    // A run stopped early on success is never moving.
    expect(curveTrend(curve([0.1, 0.5, 0.99]), true, true).moving).toBe(false);
  });

  it('judges a loss curve relative to its value', () => {
    expect(curveTrend(curve([2, 1.5, 1.2, 1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4]), false).moving).toBe(true);
    expect(curveTrend(curve([2, 1, 0.5, 0.3, 0.2, 0.2, 0.2, 0.2, 0.2, 0.199]), false).moving).toBe(false);
    expect(MOVING_DEFINITION).toMatch(/last 20 %/);
  });

  it("measures a training loss's trend with Kendall's τ", () => {
    const falling = Array.from({ length: 40 }, (_, i) => 3 - i * 0.05);
    expect(lossTrend(falling)).toBe(-1);
    expect(lossTrend([...falling].reverse())).toBe(1);
    expect(lossTrend(new Array<number>(40).fill(2))).toBe(0);
  });
});
