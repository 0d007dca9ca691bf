import { describe, expect, it } from 'vitest';
import { add, exp, tensor, where, greater, memory, cpuBackend, getBackend, registerBackend, Tensor, type DataHandle, type TypedArray } from '../src/index.js';

describe('smoke', () => {
  it('adds with broadcasting', () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = tensor([10, 20, 30]);
    expect(add(a, b).toArray()).toEqual([
      [11, 22, 33],
      [14, 25, 36],
    ]);
    expect(add(tensor([[1], [2]]), b).toArray()).toEqual([
      [11, 21, 31],
      [12, 22, 32],
    ]);
    expect(exp(tensor([0])).toArray()).toEqual([1]);
    expect(where(greater(a, 3), a, 0).toArray()).toEqual([
      [0, 0, 0],
      [4, 5, 6],
    ]);
    expect(memory('cpu').storages).toBeGreaterThan(0);
    expect(String(a)).toContain('shape=[2, 3]');
  });
});

describe('Tensor.assign', () => {
  it('replaces contents in place and rejects other shapes', () => {
    const p = tensor([1, 2]);
    const id = p.id;
    p.assign(tensor([3, 4]));
    expect(p.toArray()).toEqual([3, 4]);
    expect(p.id).toBe(id);
    expect(p.version).toBe(1);
    expect(() => p.assign(tensor([1, 2, 3]))).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
  });

  it("keeps a tensor resident: a value from outside the backend's resident storage is copied into a new one", () => {
    const kept = new WeakSet<object>();
    const resident = (handle: DataHandle): DataHandle => {
      const copy = (handle as TypedArray).slice();
      kept.add(copy);
      return copy;
    };
    registerBackend({ ...cpuBackend, name: 'cpu-resident', resident, isResident: (handle) => kept.has(handle as object) });
    const p = Tensor.fromHandle(getBackend('cpu-resident'), resident(Float32Array.of(1, 2)), [2], 'float32');
    const value = tensor([3, 4], undefined, { backend: 'cpu-resident' });
    p.assign(value);
    expect(p.toArray()).toEqual([3, 4]);
    expect(kept.has(p.handle as object) && p.handle !== value.handle).toBe(true);
    expect(p.version).toBe(1);
    // A resident value is shared, and a tensor that is not resident shares its value's storage as before.
    const other = Tensor.fromHandle(getBackend('cpu-resident'), resident(Float32Array.of(5, 6)), [2], 'float32');
    p.assign(other);
    expect(p.handle).toBe(other.handle);
    const plain = tensor([0, 0], undefined, { backend: 'cpu-resident' });
    plain.assign(value);
    expect(plain.handle).toBe(value.handle);
  });
});
