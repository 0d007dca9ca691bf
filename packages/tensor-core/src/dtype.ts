// Element types, their typed-array storage and sizes.
import { InvalidArgumentError } from './errors.js';

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

/** Every dtype name, in a stable order. */
export const DTYPES: readonly DType[] = ['float32', 'int32', 'float64', 'bool'];

/** True when `value` names a dtype. */
export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && (DTYPES as readonly string[]).includes(value);
}

/** True for the floating-point dtypes (`float32`, `float64`). */
export function isFloatDType(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** Bytes per element of `dtype`. */
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

/** A new zero-filled typed array of `size` elements for `dtype`. */
export function allocArray<D extends DType>(dtype: D, size: number): DTypeArrayMap[D] {
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
      throw new InvalidArgumentError(`allocArray: argument 'dtype' must be one of ${DTYPES.join(', ')}; received ${String(dtype)}`);
  }
}

/** The dtype whose storage is `array`'s type, or undefined for other arrays. */
export function dtypeOfArray(array: unknown): DType | undefined {
  if (array instanceof Float32Array) return 'float32';
  if (array instanceof Int32Array) return 'int32';
  if (array instanceof Float64Array) return 'float64';
  if (array instanceof Uint8Array) return 'bool';
  return undefined;
}
