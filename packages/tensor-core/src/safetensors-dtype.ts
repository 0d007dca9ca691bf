// safetensors element types: sizes, the seqlab dtype each decodes to, and little-endian element codecs.
import { allocArray, type DType, type TypedArray } from './dtype.js';
import { CheckpointCorruptError, MemoryBudgetError } from './errors.js';

/** A safetensors dtype code that seqlab reads. */
export type SafetensorsDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U64' | 'U32' | 'U16' | 'U8' | 'BOOL';

/** How one safetensors dtype is stored and what it loads as. */
export interface SafetensorsDTypeInfo {
  /** Bytes per element in the file. */
  readonly bytes: number;
  /** The seqlab dtype it decodes to. */
  readonly target: DType;
}

/**
 * Every safetensors dtype seqlab can decode, with its element size and the seqlab dtype it becomes.
 *
 * @example
 * ```ts
 * console.assert(SAFETENSORS_DTYPES.BF16.bytes === 2 && SAFETENSORS_DTYPES.BF16.target === 'float32');
 * ```
 */
export const SAFETENSORS_DTYPES: Readonly<Record<SafetensorsDType, SafetensorsDTypeInfo>> = {
  F64: { bytes: 8, target: 'float64' },
  F32: { bytes: 4, target: 'float32' },
  F16: { bytes: 2, target: 'float32' },
  BF16: { bytes: 2, target: 'float32' },
  I64: { bytes: 8, target: 'int32' },
  I32: { bytes: 4, target: 'int32' },
  I16: { bytes: 2, target: 'int32' },
  I8: { bytes: 1, target: 'int32' },
  U64: { bytes: 8, target: 'int32' },
  U32: { bytes: 4, target: 'int32' },
  U16: { bytes: 2, target: 'int32' },
  U8: { bytes: 1, target: 'int32' },
  BOOL: { bytes: 1, target: 'bool' },
};

/** The safetensors dtype each seqlab dtype is written as. */
export const SAFETENSORS_DTYPE_OF: Readonly<Record<DType, SafetensorsDType>> = {
  float32: 'F32',
  float64: 'F64',
  int32: 'I32',
  bool: 'BOOL',
};

/** True when `code` is a safetensors dtype seqlab can decode. */
export function isSafetensorsDType(code: unknown): code is SafetensorsDType {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(SAFETENSORS_DTYPES, code);
}

/** True on little-endian hosts, where F32/F64/I32 bytes can be copied straight into typed arrays. */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const INT32_MAX = 0x7fff_ffff;

/** True when the file's bytes of `code` are the in-memory bytes of its target typed array on this host. */
export function isNativeLayout(code: SafetensorsDType, nativeCopy = HOST_LITTLE_ENDIAN): boolean {
  return nativeCopy && (code === 'F32' || code === 'F64' || code === 'I32');
}

/**
 * A typed array for `count` elements of tensor `name`, or a typed error naming the tensor when this runtime cannot
 * hold that many in one typed array (V8 stops at 2^32 elements) or cannot find the memory.
 */
export function allocTensorArray(name: string, dtype: DType, count: number): TypedArray {
  try {
    return allocArray(dtype, count);
  } catch (err) {
    // allocArray refuses counts past the tensor limit with its own MemoryBudgetError; either way, name the tensor.
    if (!(err instanceof RangeError) && !(err instanceof MemoryBudgetError)) throw err;
    throw new MemoryBudgetError(
      `safetensors: tensor '${name}' has ${count} elements of ${dtype}, more than this runtime can allocate in one typed array (${err.message})`,
    );
  }
}

function outOfRange(name: string, code: string, index: number, value: bigint | number): never {
  throw new CheckpointCorruptError(`safetensors: tensor '${name}' (${code}) holds ${value} at flat index ${index}, which does not fit int32`);
}

/**
 * Decodes `count` little-endian elements of `code` from `src` (exactly `count × size` bytes) into a new typed array
 * of the target dtype. Integers that do not fit int32 and BOOL bytes other than 0/1 are CHECKPOINT_CORRUPT.
 *
 * @param name - the tensor's name, for messages
 * @param nativeCopy - copy raw bytes when the host is little-endian (false forces the portable DataView path)
 */
export function decodeElements(name: string, code: SafetensorsDType, src: Uint8Array, count: number, nativeCopy = HOST_LITTLE_ENDIAN): TypedArray {
  const out = allocTensorArray(name, SAFETENSORS_DTYPES[code].target, count);
  if (nativeCopy && isNativeLayout(code)) {
    new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(src);
    return out;
  }
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  switch (code) {
    case 'F64':
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
      break;
    case 'F32':
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
      break;
    case 'I32':
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, true);
      break;
    case 'F16':
    case 'BF16': {
      // Writing float32 bit patterns through a Uint32Array of the same buffer is endianness-neutral.
      const bits = new Uint32Array(out.buffer, out.byteOffset, count);
      if (code === 'BF16') for (let i = 0; i < count; i++) bits[i] = view.getUint16(2 * i, true) << 16;
      else for (let i = 0; i < count; i++) bits[i] = halfToFloatBits(view.getUint16(2 * i, true));
      break;
    }
    case 'I64':
      for (let i = 0; i < count; i++) {
        const low = view.getUint32(8 * i, true);
        const high = view.getInt32(8 * i + 4, true);
        // Fits int32 exactly when the high word is the sign extension of the low word.
        if (high !== (low >= 0x8000_0000 ? -1 : 0)) outOfRange(name, code, i, view.getBigInt64(8 * i, true));
        out[i] = low | 0;
      }
      break;
    case 'U64':
      for (let i = 0; i < count; i++) {
        const low = view.getUint32(8 * i, true);
        if (view.getUint32(8 * i + 4, true) !== 0 || low > INT32_MAX) outOfRange(name, code, i, view.getBigUint64(8 * i, true));
        out[i] = low;
      }
      break;
    case 'U32':
      for (let i = 0; i < count; i++) {
        const v = view.getUint32(4 * i, true);
        if (v > INT32_MAX) outOfRange(name, code, i, v);
        out[i] = v;
      }
      break;
    case 'I16':
      for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, true);
      break;
    case 'U16':
      for (let i = 0; i < count; i++) out[i] = view.getUint16(2 * i, true);
      break;
    case 'I8':
      for (let i = 0; i < count; i++) out[i] = view.getInt8(i);
      break;
    case 'U8':
      out.set(src);
      break;
    case 'BOOL':
      for (let i = 0; i < count; i++) {
        const v = src[i];
        if (v > 1) throw new CheckpointCorruptError(`safetensors: tensor '${name}' (BOOL) holds byte ${v} at flat index ${i}; expected 0 or 1`);
        out[i] = v;
      }
      break;
  }
  return out;
}

/** The float32 bit pattern of an IEEE half-precision value (exact: every half is a float32). */
export function halfToFloatBits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exponent = (h >> 10) & 0x1f;
  let mantissa = h & 0x3ff;
  if (exponent === 0x1f) return (sign | 0x7f80_0000 | (mantissa << 13)) >>> 0;
  if (exponent !== 0) return (sign | ((exponent + 112) << 23) | (mantissa << 13)) >>> 0;
  if (mantissa === 0) return sign >>> 0;
  // Subnormal half: shift the mantissa up to an implicit leading 1, lowering the float32 exponent each step.
  let e = 113;
  while ((mantissa & 0x400) === 0) {
    mantissa <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((mantissa & 0x3ff) << 13)) >>> 0;
}

/**
 * Writes `values` (a tensor's storage of `dtype`) into `dst` as little-endian bytes of its safetensors dtype.
 *
 * @param nativeCopy - copy raw bytes when the host is little-endian (false forces the portable DataView path)
 */
export function encodeElements(values: TypedArray, dtype: DType, dst: Uint8Array, nativeCopy = HOST_LITTLE_ENDIAN): void {
  const n = values.length;
  if (nativeCopy || dtype === 'bool') {
    dst.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    return;
  }
  const view = new DataView(dst.buffer, dst.byteOffset, dst.byteLength);
  if (dtype === 'float64') for (let i = 0; i < n; i++) view.setFloat64(8 * i, values[i], true);
  else if (dtype === 'float32') for (let i = 0; i < n; i++) view.setFloat32(4 * i, values[i], true);
  else for (let i = 0; i < n; i++) view.setInt32(4 * i, values[i], true);
}
