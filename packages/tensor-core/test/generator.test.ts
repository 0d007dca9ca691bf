import { describe, expect, it } from 'vitest';
import { Generator } from '../src/index.js';

describe('Generator', () => {
  it('repeats a sequence for a seed and resumes from a saved state', () => {
    const a = new Generator(7), b = new Generator(7);
    const xs = Array.from({ length: 5 }, () => a.uniform());
    expect(Array.from({ length: 5 }, () => b.uniform())).toEqual(xs);
    const saved = a.getState();
    const next = a.normal();
    expect(Generator.fromState(saved).normal()).toBe(next);
    expect(new Generator(8).uniform()).not.toBe(xs[0]);
    expect(() => new Generator(1.5)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
