// collectCreated: every tensor made while a function runs, nested calls included, kept when the function throws.
import { describe, expect, it } from 'vitest';
import { add, collectCreated, InvalidArgumentError, mul, reshape, tensor, type Tensor } from '../src/index.js';

describe('collectCreated', () => {
  it('lists the result, temporaries and views in creation order, and nothing made before', () => {
    const x = tensor([1, 2, 3, 4]);
    const one = tensor([1, 1, 1, 1]);
    const { result, created } = collectCreated(() => reshape(add(mul(x, x), one), [2, 2]));
    expect(created).toHaveLength(3);
    expect(created[2]).toBe(result);
    expect(created).not.toContain(x);
    expect(Array.from(result.dataSync())).toEqual([2, 5, 10, 17]);
  });

  it('shows a nested call its own tensors, and the enclosing call all of them', () => {
    const x = tensor([1, 2]);
    let inner: Tensor[] = [];
    const outer = collectCreated(() => {
      const a = add(x, x);
      inner = collectCreated(() => mul(a, x)).created;
      return a;
    });
    expect(inner).toHaveLength(1);
    expect(outer.created).toHaveLength(2);
    expect(outer.created).toContain(inner[0]);
  });

  it('fills the given array as tensors are made, so it still holds them when the function throws', () => {
    const into: Tensor[] = [];
    expect(() =>
      collectCreated(() => {
        const t = tensor([1]);
        add(t, t);
        throw new Error('boom');
      }, into),
    ).toThrow('boom');
    expect(into).toHaveLength(2);
  });

  it('rejects a missing function or array with a typed error naming the argument', () => {
    expect(() => collectCreated(42 as unknown as () => void)).toThrow(InvalidArgumentError);
    expect(() => collectCreated(42 as unknown as () => void)).toThrow(/collectCreated: argument 'fn' must be a function; received number/);
    expect(() => collectCreated(() => 1, {} as unknown as Tensor[])).toThrow(/argument 'into' must be an array; received object/);
  });
});
