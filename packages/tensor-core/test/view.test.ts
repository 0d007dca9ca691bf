// Tensor.view is reshape under PyTorch's name: validated the same way, sharing storage, never reading past the data.
import { describe, expect, it } from 'vitest';
import { arange, reshape, tensor, zeros, type ErrorCode } from '../src/index.js';

function thrown(fn: () => unknown): { code?: ErrorCode; message: string } {
  try {
    fn();
  } catch (e) {
    return e as { code?: ErrorCode; message: string };
  }
  return expect.fail('expected an error, but nothing was thrown');
}

describe('Tensor.view', () => {
  it('infers one -1 like reshape', () => {
    const v = arange(6).view([2, -1]);
    expect(v.shape).toEqual([2, 3]);
    expect(v.size).toBe(6);
    expect(v.toArray()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(zeros([2, 3, 4]).view([-1]).shape).toEqual([24]);
    expect(tensor(5).view([1, 1]).shape).toEqual([1, 1]);
    expect(zeros([0, 3]).view([3, 0]).shape).toEqual([3, 0]);
  });

  it('refuses a shape of another size with SHAPE_MISMATCH naming both shapes (no read past the data)', () => {
    const e = thrown(() => arange(6).view([4, 4]));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toContain('view:');
    expect(e.message).toContain('[6]');
    expect(e.message).toContain('[4, 4]');
    expect(thrown(() => arange(6).view([4, -1])).code).toBe('SHAPE_MISMATCH');
  });

  it('refuses entries that are not integers ≥ -1, a repeated -1 and an ambiguous -1 with INVALID_ARGUMENT', () => {
    for (const shape of [[2, -2], [2, 1.5], [NaN, 6], [Infinity], [-1, -1], '6', null, [2n, 3]]) {
      const e = thrown(() => arange(6).view(shape as number[]));
      expect(e.code, String(shape)).toBe('INVALID_ARGUMENT');
      expect(e.message).toMatch(/^view: argument 'shape'/);
    }
    expect(thrown(() => zeros([0]).view([0, -1])).code).toBe('INVALID_ARGUMENT');
  });

  it('matches reshape element for element and shares storage', () => {
    const x = arange(24).view([2, 3, 4]);
    const v = x.view([4, 6]);
    expect(v.dataSync()).toEqual(reshape(x, [4, 6]).dataSync());
    x.dispose();
    expect(v.toArray()).toEqual(reshape(arange(24), [4, 6]).toArray());
  });

  it('throws DISPOSED on a disposed tensor', () => {
    const x = arange(4);
    x.dispose();
    expect(thrown(() => x.view([2, 2])).code).toBe('DISPOSED');
  });
});
