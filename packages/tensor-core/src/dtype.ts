// Element types, their typed-array storage and sizes.
import { InvalidArgumentError, MemoryBudgetError } from './errors.js';
import { describe, MAX_TENSOR_ELEMENTS } from './shape.js';
import { checkNonNegativeInt } from './validate.js';

/** Element type of a tensor. `float64` exists on the CPU backend for gradient checking; `bool` holds masks. */
export type DType = 'float32' | 'int32' | 'float64' | 'bool';

/** The typed array that stores each dtype. */
export interface DTypeArrayMap {
  /** 32-bit floats. */
  float32: Float32Array;
  /** 32-bit signed integers. */
  int32: Int32Array;
  /** 64-bit floats (CPU backend). */
  float64: Float64Array;
  /** Masks: 0 or 1 per byte. */
  bool: Uint8Array;
}

/** Any typed array a tensor can be stored in. */
export type TypedArray = Float32Array | Int32Array | Float64Array | Uint8Array;

/**
 * Every dtype name, in a stable order.
 *
 * @example
 * ```ts
 * console.assert(DTYPES.includes('int32') && DTYPES.length === 4);
 * ```
 */
export const DTYPES: readonly DType[] = ['float32', 'int32', 'float64', 'bool'];

/**
 * True when `value` names a dtype.
 *
 * @example
 * ```ts
 * console.assert(isDType('float32') && !isDType('float16'));
 * ```
 */
export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && (DTYPES as readonly string[]).includes(value);
}

/**
 * True for the floating-point dtypes (`float32`, `float64`).
 *
 * @example
 * ```ts
 * console.assert(isFloatDType('float64') && !isFloatDType('int32'));
 * ```
 */
export function isFloatDType(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/**
 * Bytes per element of `dtype`.
 *
 * @example
 * ```ts
 * console.assert(bytesPerElement('float64') === 8 && bytesPerElement('bool') === 1);
 * ```
 */
export function bytesPerElement(dtype: DType): number {
  switch (dtype) {
    case 'float64':
      return 8;
    case 'bool':
      return 1;
    default:
      return 4;
  }
}

/**
 * A new zero-filled typed array of `size` elements for `dtype`. A size beyond {@link MAX_TENSOR_ELEMENTS}, or one the
 * host cannot allocate, is MEMORY_BUDGET_EXCEEDED naming the element count and bytes (never a bare RangeError).
 *
 * @example
 * ```ts
 * const a = allocArray('int32', 3);
 * console.assert(a instanceof Int32Array && a.length === 3 && a[0] === 0);
 * ```
 */
export function allocArray<D extends DType>(dtype: D, size: number): DTypeArrayMap[D] {
  if (!isDType(dtype)) throw new InvalidArgumentError(`allocArray: argument 'dtype' must be one of ${DTYPES.join(', ')}; received ${describe(dtype)}`);
  checkNonNegativeInt('allocArray', 'size', size);
  if (size > MAX_TENSOR_ELEMENTS) {
    throw new MemoryBudgetError(`allocArray: ${size} elements of ${dtype} requested; a tensor holds at most ${MAX_TENSOR_ELEMENTS} (2^31 - 1)`);
  }
  try {
    return newArray(dtype, size);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new MemoryBudgetError(`allocArray: the host could not allocate ${size} elements of ${dtype} (${size * bytesPerElement(dtype)} bytes): ${e.message}`);
  }
}

function newArray<D extends DType>(dtype: D, size: number): DTypeArrayMap[D] {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size) as DTypeArrayMap[D];
    case 'int32':
      return new Int32Array(size) as DTypeArrayMap[D];
    case 'float64':
      return new Float64Array(size) as DTypeArrayMap[D];
    case 'bool':
      return new Uint8Array(size) as DTypeArrayMap[D];
    default:
      throw new InvalidArgumentError(`allocArray: argument 'dtype' must be one of ${DTYPES.join(', ')}; received ${describe(dtype)}`);
  }
}

/**
 * The dtype whose storage is `array`'s type, or undefined for other arrays.
 *
 * @example
 * ```ts
 * console.assert(dtypeOfArray(new Float64Array(2)) === 'float64' && dtypeOfArray([1, 2]) === undefined);
 * ```
 */
export function dtypeOfArray(array: unknown): DType | undefined {
  if (array instanceof Float32Array) return 'float32';
  if (array instanceof Int32Array) return 'int32';
  if (array instanceof Float64Array) return 'float64';
  if (array instanceof Uint8Array) return 'bool';
  return undefined;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * Internal: throws INVALID_ARGUMENT unless `value` can be stored in `dtype` as it is: int32 takes integers in
 * [-2^31, 2^31 - 1] (no NaN, Infinity, fraction or wrap-around), bool takes 0 and 1, floats take any number
 * (float32 rounds to nearest, as PyTorch does). `what` names the argument, e.g. "argument 'data' at flat index 3".
 */
export function checkStorable(op: string, what: string, value: number, dtype: DType): void {
  if (storable(value, dtype)) return;
  if (dtype === 'int32') {
    throw new InvalidArgumentError(
      `${op}: ${what} is ${String(value)}, which an int32 tensor cannot hold (integers in [${INT32_MIN}, ${INT32_MAX}]); use a float dtype or round it first`,
    );
  }
  throw new InvalidArgumentError(`${op}: ${what} is ${String(value)}, which a bool tensor cannot hold (true/false or 0/1)`);
}

/** Internal: whether {@link checkStorable} accepts `value` for `dtype` (the fast test, for loops over data). */
export function storable(value: number, dtype: DType): boolean {
  if (dtype === 'int32') return Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX;
  if (dtype === 'bool') return value === 0 || value === 1;
  return true;
}

/** Internal: true for typed arrays of numbers (not DataView, not the BigInt arrays), which tensor data may be. */
export function isNumericArray(value: unknown): value is ArrayLike<number> & ArrayBufferView {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof BigInt64Array) && !(value instanceof BigUint64Array);
}

/**
 * The one rule for storing a float in an int32 (`cast` to int32 on every backend): truncation toward zero, values
 * beyond the int32 range saturate to its ends, NaN becomes 0. PyTorch leaves NaN and out-of-range conversions
 * undefined; this is what WebAssembly's `i32.trunc_sat_f32_s` and Rust's `as` do.
 *
 * @example
 * ```ts
 * truncToInt32(-2.7);   // -2
 * truncToInt32(2 ** 40); // 2147483647
 * truncToInt32(NaN);    // 0
 * ```
 */
export function truncToInt32(value: number): number {
  return value >= INT32_MAX ? INT32_MAX : value <= INT32_MIN ? INT32_MIN : value | 0;
}
