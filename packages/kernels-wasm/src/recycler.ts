// Storage arrays given back by dispose, reused for the next results of the same dtype and length.
//
// A result array that the backend makes fresh costs the page faults of its new memory on first write (about 1.5 µs
// per 4 KiB page here: a third of a millisecond for a 512×512 float32 matrix, a tenth of that product's time on two
// threads). Arrays of disposed tensors are already resident, so results taken from here skip those faults. Only
// arrays the backend made itself are kept (never an array a caller handed over with `adopt`), and tensor-core
// releases a storage once, when the last tensor viewing it is disposed. Collected (not disposed) tensors are simply
// freed by the garbage collector.
import { dtypeOfArray, type DType, type TypedArray } from '@seqlab/tensor-core';

// Node's Buffer.allocUnsafeSlow: memory without the zero-fill of a new typed array. On 12.5 MiB copies out of shared
// wasm memory it took 0.4-0.75 ms less than `slice` (10-20% of the copy; medians of paired runs of
// packages/bench/scripts/copy-out-alloc.mjs on a loaded 2-core machine).
const allocUnsafe = (globalThis as { Buffer?: { allocUnsafeSlow?: (bytes: number) => Uint8Array } }).Buffer?.allocUnsafeSlow;

/**
 * A new typed array of `dtype` and `size` whose contents are undefined, for a result the caller overwrites entirely at
 * once; undefined where the host cannot make one without zeroing it (browsers have no Buffer: use a new typed array).
 */
export function uninitialisedArray(dtype: DType, size: number): TypedArray | undefined {
  if (allocUnsafe === undefined) return undefined;
  const bytes = allocUnsafe(size * (dtype === 'bool' ? 1 : 4));
  if (dtype === 'bool') return new Uint8Array(bytes.buffer, bytes.byteOffset, size);
  return dtype === 'int32' ? new Int32Array(bytes.buffer, bytes.byteOffset, size) : new Float32Array(bytes.buffer, bytes.byteOffset, size);
}

/** Arrays smaller than this are cheap to make fresh (a few pages) and are not kept. */
export const RECYCLE_MIN_BYTES = 64 * 1024;
/** Bytes of disposed arrays kept at most; an array given back beyond this is left to the garbage collector. */
export const RECYCLE_MAX_BYTES = 64 * 1024 * 1024;
/** Arrays kept per dtype and length at most. */
const PER_SIZE = 4;

/** Counters of the recycler, for tests and diagnostics. */
export interface RecyclerStats {
  /** Disposed arrays waiting to be reused. */
  arrays: number;
  /** Their bytes. */
  bytes: number;
  /** Results that reused a disposed array, over the process's life. */
  reused: number;
}

/** A bounded store of disposed storage arrays, by dtype and length. */
export class Recycler {
  private readonly owned = new WeakSet<TypedArray>();
  private readonly kept = new Map<DType, Map<number, TypedArray[]>>();
  private bytes = 0;
  private count = 0;
  private reused = 0;

  /** Records that the backend made `values` for a storage (so that its release may keep it); returns `values`. */
  own<T extends TypedArray>(values: T): T {
    if (values.byteLength >= RECYCLE_MIN_BYTES) this.owned.add(values);
    return values;
  }

  /** Takes back the array of a released storage, if the backend made it and there is room. */
  give(values: unknown): void {
    if (!ArrayBuffer.isView(values) || !this.owned.has(values as TypedArray)) return;
    const array = values as TypedArray;
    this.owned.delete(array);
    const dtype = dtypeOfArray(array);
    if (dtype === undefined) return;
    if (this.bytes + array.byteLength > RECYCLE_MAX_BYTES) return;
    let bySize = this.kept.get(dtype);
    if (!bySize) this.kept.set(dtype, (bySize = new Map()));
    let list = bySize.get(array.length);
    if (!list) bySize.set(array.length, (list = []));
    if (list.length >= PER_SIZE) return;
    list.push(array);
    this.bytes += array.byteLength;
    this.count++;
  }

  /** A kept array of `dtype` and `length` (its old contents still in it), owned again, or undefined. */
  take(dtype: DType, length: number): TypedArray | undefined {
    const array = this.kept.get(dtype)?.get(length)?.pop();
    if (!array) return undefined;
    this.bytes -= array.byteLength;
    this.count--;
    this.reused++;
    this.owned.add(array);
    return array;
  }

  /** Drops every kept array. */
  clear(): void {
    this.kept.clear();
    this.bytes = 0;
    this.count = 0;
  }

  /** Current counters. */
  stats(): RecyclerStats {
    return { arrays: this.count, bytes: this.bytes, reused: this.reused };
  }
}

/** The wasm backend's recycler. */
export const recycler = new Recycler();
