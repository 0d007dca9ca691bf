// Backend-agnostic suite for sizes no backend can allocate and numbers an int32 or bool tensor cannot hold.
import { describe, expect, it } from 'vitest';
import * as tc from '@seqlab/tensor-core';
import { MAX_TENSOR_ELEMENTS, memory, SeqlabError, tensor, zeros, type ErrorCode } from '@seqlab/tensor-core';

/** The SeqlabError `fn` throws, failing the test when it throws anything else or nothing. */
function caught(fn: () => unknown): SeqlabError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SeqlabError) return e;
    return expect.fail(`expected a SeqlabError, received ${String(e)}`);
  }
  return expect.fail('expected an error, but nothing was thrown');
}

function expectError(fn: () => unknown, code: ErrorCode, ...fragments: string[]): void {
  const e = caught(fn);
  expect(e.code, e.message).toBe(code);
  for (const f of fragments) expect(e.message).toContain(f);
}

/** Sizes beyond MAX_TENSOR_ELEMENTS and values int32/bool cannot hold, run against `backend`. */
export function limitsSuite(backend: string): void {
  const on = { backend };
  const int = (values: number[]) => tensor(values, undefined, { dtype: 'int32', backend });
  const limit = String(MAX_TENSOR_ELEMENTS);

  describe('sizes beyond what a backend can allocate', () => {
    it('zeros([1e6, 1e6]) is MEMORY_BUDGET_EXCEEDED naming the function, the shape, the element count and the limit', () => {
      expectError(() => zeros([1e6, 1e6], on), 'MEMORY_BUDGET_EXCEEDED', 'zeros:', '[1000000, 1000000]', '1000000000000', limit);
      expect(MAX_TENSOR_ELEMENTS).toBe(2 ** 31 - 1);
    });

    it('every creation function checks the size before allocating', () => {
      const before = memory(backend).bytes;
      expectError(() => tc.full([2 ** 31], 1, on), 'MEMORY_BUDGET_EXCEEDED', 'full:', '2147483648');
      expectError(() => tc.ones([65536, 65536], on), 'MEMORY_BUDGET_EXCEEDED', 'ones:', '4294967296');
      expectError(() => tc.eye(1e6, 1e6, on), 'MEMORY_BUDGET_EXCEEDED', 'eye:');
      expectError(() => tc.arange(0, 2 ** 32, 1, on), 'MEMORY_BUDGET_EXCEEDED', 'arange:', '4294967296');
      expectError(() => tc.linspace(0, 1, 2 ** 31, on), 'MEMORY_BUDGET_EXCEEDED', 'linspace:');
      expectError(() => tc.rand([1e6, 1e6], on), 'MEMORY_BUDGET_EXCEEDED', 'rand:');
      expectError(() => tc.randint(0, 5, [1e6, 1e6], on), 'MEMORY_BUDGET_EXCEEDED', 'randint:');
      expect(memory(backend).bytes).toBe(before);
    });

    it('ops whose result outgrows their inputs check its size before calling the kernel', () => {
      const column = zeros([100000, 1], on);
      const row = zeros([1, 100000], on);
      const mask = tc.equal(column, 0);
      const one = zeros([1], on);
      const indices = tensor(new Int32Array(100000), undefined, on);
      const [a, b, table] = [zeros([100000, 1, 1, 1], on), zeros([1, 100000, 1, 1], on), zeros([2, 100000], on)];
      const before = memory(backend).bytes;
      expectError(() => tc.add(column, row), 'MEMORY_BUDGET_EXCEEDED', 'add:', '[100000, 100000]', '10000000000');
      expectError(() => tc.less(column, row), 'MEMORY_BUDGET_EXCEEDED', 'less:');
      expectError(() => tc.where(mask, column, row), 'MEMORY_BUDGET_EXCEEDED', 'where:');
      expectError(() => tc.expand(one, [1e5, 1e5]), 'MEMORY_BUDGET_EXCEEDED', 'expand:');
      expectError(
        () =>
          tc.pad(column, [
            [0, 2 ** 31],
            [0, 0],
          ]),
        'MEMORY_BUDGET_EXCEEDED',
        'pad:',
      );
      expectError(() => tc.matmul(a, b), 'MEMORY_BUDGET_EXCEEDED', 'matmul:');
      expectError(() => tc.gather(table, indices, 0), 'MEMORY_BUDGET_EXCEEDED', 'gather:', '[100000, 100000]');
      // Nothing was allocated on the way to any of these errors.
      expect(memory(backend).bytes).toBe(before);
      expectError(() => tc.oneHot(int([0, 1]), 2 ** 31), 'MEMORY_BUDGET_EXCEEDED', 'oneHot:');
    });

    it('allocArray refuses sizes beyond the limit (and non-sizes) with typed errors, never a RangeError', () => {
      expectError(() => tc.allocArray('float32', 2 ** 40), 'MEMORY_BUDGET_EXCEEDED', 'allocArray:', '1099511627776');
      expectError(() => tc.allocArray('float32', -1), 'INVALID_ARGUMENT', 'allocArray:');
      expectError(() => tc.allocArray('float32', 1.5), 'INVALID_ARGUMENT', 'allocArray:');
      expect(tc.allocArray('int32', 3)).toEqual(new Int32Array(3));
    });
  });

  describe('numbers an int32 or bool tensor cannot hold', () => {
    it('tensor(data, …, int32) names the value and its flat index for out-of-range, NaN, infinite and fractional data', () => {
      expectError(() => tensor([2 ** 40], undefined, { dtype: 'int32', backend }), 'INVALID_ARGUMENT', 'tensor:', '1099511627776', 'flat index 0', 'int32');
      expectError(
        () =>
          tensor(
            [
              [1, 2],
              [3, 2 ** 31],
            ],
            undefined,
            { dtype: 'int32', backend },
          ),
        'INVALID_ARGUMENT',
        '2147483648',
        'flat index 3',
      );
      expectError(() => tensor([1, NaN], undefined, { dtype: 'int32', backend }), 'INVALID_ARGUMENT', 'NaN', 'flat index 1');
      expectError(() => tensor([-Infinity], undefined, { dtype: 'int32', backend }), 'INVALID_ARGUMENT', '-Infinity');
      expectError(() => tensor([0, 0, 1.5], undefined, { dtype: 'int32', backend }), 'INVALID_ARGUMENT', '1.5', 'flat index 2');
      expectError(() => tensor(new Float64Array([0, 2 ** 40]), undefined, { dtype: 'int32', backend }), 'INVALID_ARGUMENT', 'flat index 1');
      expectError(() => tensor([new Float32Array([1, 7.5])], undefined, { dtype: 'int32', backend }), 'INVALID_ARGUMENT', '7.5', 'flat index 1');
      expectError(() => tensor([0, 2], undefined, { dtype: 'bool', backend }), 'INVALID_ARGUMENT', 'bool', 'flat index 1');
      expectError(() => tensor(new Uint8Array([1, 0, 255]), undefined, { dtype: 'bool', backend }), 'INVALID_ARGUMENT', '255', 'flat index 2');
      expect(Array.from(int([2147483647, -2147483648, -0]).dataSync())).toEqual([2147483647, -2147483648, 0]);
      expect(Array.from(tensor(new Float32Array([3, -4]), undefined, { dtype: 'int32', backend }).dataSync())).toEqual([3, -4]);
    });

    it('full, arange and linspace refuse what the dtype cannot hold before allocating', () => {
      expectError(() => tc.full([2], 2 ** 40, { dtype: 'int32', backend }), 'INVALID_ARGUMENT', 'full:', '1099511627776');
      expectError(() => tc.full([2], NaN, { dtype: 'int32', backend }), 'INVALID_ARGUMENT', 'full:', 'NaN');
      expectError(() => tc.full([2], 0.5, { dtype: 'int32', backend }), 'INVALID_ARGUMENT', 'full:', '0.5');
      expectError(() => tc.full([2], 2, { dtype: 'bool', backend }), 'INVALID_ARGUMENT', 'full:', 'bool');
      expectError(() => tc.scalar(Infinity, { dtype: 'int32', backend }), 'INVALID_ARGUMENT', 'Infinity');
      // Integer arguments default to int32, which cannot hold 2^31: a typed error rather than wrapped values.
      expectError(() => tc.arange(2 ** 31 - 2, 2 ** 31 + 2, 1, on), 'INVALID_ARGUMENT', 'arange:', 'element 3', '2147483649');
      expectError(() => tc.arange(0, 1, 0.5, { dtype: 'int32', backend }), 'INVALID_ARGUMENT', 'arange:', 'element 1', '0.5');
      expectError(() => tc.arange(0, 3, 1, { dtype: 'bool', backend }), 'INVALID_ARGUMENT', 'arange:', 'bool');
      expectError(() => tc.linspace(0, 2 ** 40, 3, { dtype: 'int32', backend }), 'INVALID_ARGUMENT', 'linspace:');
      expect(tc.arange(2 ** 31 - 3, 2 ** 31 - 1, 1, on).toArray()).toEqual([2147483645, 2147483646]);
      expect(tc.linspace(0, 3, 4, { dtype: 'int32', backend }).toArray()).toEqual([0, 1, 2, 3]);
      expect(tc.linspace(-1, 1, 4, { dtype: 'int32', backend }).toArray()).toEqual([-1, 0, 0, 1]);
    });

    it('number operands of an int32 (or bool) tensor are refused when out of range, NaN or infinite', () => {
      const i = int([1, 2]);
      expectError(() => tc.add(i, 2 ** 40), 'INVALID_ARGUMENT', 'add:', "argument 'b'", '1099511627776');
      expectError(() => tc.mul(2 ** 31, i), 'INVALID_ARGUMENT', 'mul:', "argument 'a'", '2147483648');
      expectError(() => tc.sub(i, NaN), 'INVALID_ARGUMENT', 'sub:', 'NaN');
      expectError(() => tc.less(i, -Infinity), 'INVALID_ARGUMENT', 'less:', '-Infinity');
      expectError(() => tc.where(tc.equal(i, 1), i, Infinity), 'INVALID_ARGUMENT', 'where:');
      expectError(() => tc.equal(tc.equal(i, 1), 2), 'INVALID_ARGUMENT', 'equal:', 'bool');
      expectError(() => tc.pad(i, [[1, 0]], 2 ** 40), 'INVALID_ARGUMENT', 'pad:', '1099511627776');
      expectError(() => tc.clamp(i, 0.5), 'INVALID_ARGUMENT', 'clamp:', "'min'", '0.5');
      expectError(() => tc.clamp(i, 0, 2 ** 40), 'INVALID_ARGUMENT', 'clamp:', "'max'");
      expect(tc.clamp(i, -Infinity, 1).toArray()).toEqual([1, 1]);
      expect(tc.add(i, 2147483646).toArray()).toEqual([2147483647, -2147483648]);
    });
  });
}
