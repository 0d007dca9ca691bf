// A kernel call's scratch region of wasm memory: inputs staged in (resident storages used where they are), outputs
// allocated there and copied out, all of it released when the call returns.
import { dtypeOfArray, DTypeMismatchError, InvalidArgumentError, type DType, type TypedArray } from '@seqlab/tensor-core';
import type { Heap } from './heap.js';
import { recycler, uninitialisedArray } from './recycler.js';
import type { ResidentRegion } from './resident.js';

/**
 * Dtypes the wasm kernels work on; float64 (used for gradient checking) stays on the CPU backend.
 *
 * @example
 * ```ts
 * console.assert(WASM_DTYPES.includes('float32') && !WASM_DTYPES.includes('float64')); // float64 stays on the cpu backend
 * ```
 */
export const WASM_DTYPES: readonly DType[] = ['float32', 'int32', 'bool'];

/** Bytes per element on the wasm backend (bool is one byte). */
export function elementBytes(dtype: DType): number {
  return dtype === 'bool' ? 1 : 4;
}

// The bytes of any typed array, for copies that do not care about its element type.
const bytesOf = (values: TypedArray): Uint8Array => new Uint8Array(values.buffer, values.byteOffset, values.byteLength);

/** Bytes the call frames have copied between JS typed arrays and wasm memory since the runtime started. */
export interface CopyStats {
  /** Bytes of inputs staged into wasm memory (resident storages are used in place and not counted). */
  bytesCopiedIn: number;
  /** Bytes of results copied out of wasm memory into typed arrays (and of resident storages read back by `readSync`). */
  bytesCopiedOut: number;
  /**
   * Bytes of scratch results (the backend's `scratchResults`) kept in wasm memory as resident storages: moved there
   * from the call's frame, or written there in the first place where the resident region had a free block for them.
   * No JS array is made for them, and later kernels read them in place.
   */
  bytesMoved: number;
}

// What `result` returns in place of a scratch result until `close` has made its resident storage (see `settle`).
class Promised {
  constructor(readonly index: number) {}
}

/**
 * The wasm memory one kernel call uses. Storages are JS typed arrays; a kernel sees them through {@link stage},
 * which copies an array into the frame once per call and returns its address, and writes its results into blocks
 * from {@link allocate}. {@link result} copies those blocks out into fresh typed arrays (the result handles), and
 * {@link close} releases every block, so wasm memory between calls holds nothing and is reused by the next call.
 * A resident storage (resident.ts) already lives in wasm memory: staging it returns its address and copies nothing.
 */
export class CallFrame {
  private readonly heap: Heap;
  private readonly resident: ResidentRegion | undefined;
  private copiedIn = 0;
  private copiedOut = 0;
  private moved = 0;
  /**
   * Set while the backend's `scratchResults` runs: the results of outermost calls become resident storages (moved out
   * of the frame when it closes) instead of typed-array copies.
   */
  scratch = false;
  // Blocks of the outermost call made straight in the resident region while scratch results are on (see allocate):
  // their views, and whether each was returned as a result (the others are freed at close).
  private readonly directViews: TypedArray[] = [];
  private readonly directReturned: boolean[] = [];
  // Scratch results of the open call waiting for `close` (parallel arrays: block address, elements, resident view).
  private readonly promoteAt: number[] = [];
  private readonly promoteSize: number[] = [];
  private readonly promoteDType: DType[] = [];
  private readonly promoted: TypedArray[] = [];
  /** Open calls: kernels called from inside a kernel share the outermost call's frame. */
  private depth = 0;
  /** Kernel name of the outermost open call, for error messages. */
  private kernel = '';
  // Staged arrays and their addresses (parallel arrays: a call has a handful of inputs, a scan beats a Map).
  private readonly stagedArrays: TypedArray[] = [];
  private readonly stagedAt: number[] = [];
  // Allocations for results (parallel arrays; searched from the end, since a freed block can be handed out again).
  private readonly allocAt: number[] = [];
  private readonly allocDType: DType[] = [];
  private readonly allocSize: number[] = [];
  // Staged arrays the kernel overwrites in place, copied back when the call returns.
  private readonly written: TypedArray[] = [];
  // Result blocks with arrays made for them in advance (parallel arrays; see resultInto).
  private readonly presetAt: number[] = [];
  private readonly presetArrays: TypedArray[] = [];

  constructor(heap: Heap, resident?: ResidentRegion) {
    this.heap = heap;
    this.resident = resident;
  }

  /** Bytes copied in and out so far. */
  copyStats(): CopyStats {
    return { bytesCopiedIn: this.copiedIn, bytesCopiedOut: this.copiedOut, bytesMoved: this.moved };
  }

  /** True while a kernel call is running. */
  get isOpen(): boolean {
    return this.depth > 0;
  }

  /** Whether the outermost open call is the kernel named `kernel` (so its result blocks are the call's results). */
  isOutermost(kernel: string): boolean {
    return this.depth > 0 && this.kernel === kernel;
  }

  /** Whether results of the outermost call become resident storages (scratch results, on shared memory). */
  get promotesResults(): boolean {
    return this.scratch && this.resident?.enabled === true;
  }

  /** Enters a kernel call named `kernel`. */
  open(kernel: string): void {
    if (this.depth++ === 0) {
      this.kernel = kernel;
      this.promoted.length = 0;
    }
  }

  private check(what: string): void {
    if (this.depth === 0) throw new InvalidArgumentError(`wasm: ${what} outside a kernel call (kernels run through the backend's kernel table)`);
  }

  /** Address of `values`' copy in this call's memory, staging it on first use (a resident storage's own address). */
  stage(values: TypedArray): number {
    this.check('staging an input');
    const arrays = this.stagedArrays;
    for (let i = arrays.length - 1; i >= 0; i--) if (arrays[i] === values) return this.stagedAt[i];
    let at = this.resident?.addressOf(values) ?? -1;
    if (at < 0) {
      at = this.heap.alloc(values.byteLength);
      this.heap.u8.set(bytesOf(values), at);
      this.copiedIn += values.byteLength;
    }
    arrays.push(values);
    this.stagedAt.push(at);
    return at;
  }

  /**
   * Like {@link stage}, for an input the kernel overwrites: its new values are copied back into `values` (a resident
   * storage is overwritten where it is).
   */
  stageForUpdate(values: TypedArray): number {
    const at = this.stage(values);
    if (!this.written.includes(values) && this.resident?.addressOf(values) !== at) this.written.push(values);
    return at;
  }

  /**
   * A block for `size` elements of `dtype`, recorded so that a returned address can be copied out as that dtype. While
   * scratch results are on, a block of the outermost call is made straight in the resident region when a free gap
   * there holds it (the region cannot grow during a call): returned, it is the result's storage as it is, with no
   * move at close; not returned, it is freed at close.
   */
  allocate(dtype: DType, size: number): number {
    this.check('allocating a result');
    if (!WASM_DTYPES.includes(dtype)) {
      throw new DTypeMismatchError(
        `${this.kernel}: the wasm backend computes in ${WASM_DTYPES.join(', ')}; received ${dtype} (keep float64 tensors on the 'cpu' backend)`,
      );
    }
    if (this.depth === 1 && this.promotesResults) {
      const view = this.resident!.allocView(dtype, size);
      if (view !== undefined) {
        this.directViews.push(view);
        this.directReturned.push(false);
        return view.byteOffset;
      }
    }
    const at = this.heap.alloc(size * elementBytes(dtype));
    this.allocAt.push(at);
    this.allocDType.push(dtype);
    this.allocSize.push(size);
    return at;
  }

  /** Frees a block from {@link allocate} that the call no longer needs and does not return. */
  free(at: number): void {
    this.check('freeing a block');
    const i = this.directViews.findIndex((v) => v.byteOffset === at);
    if (i < 0) {
      this.heap.free(at);
      return;
    }
    this.resident!.release(this.directViews[i]);
    this.directViews.splice(i, 1);
    this.directReturned.splice(i, 1);
  }

  /**
   * Makes `values` the array the block at `at` (from {@link allocate}, of the same dtype and size) is copied out
   * into, instead of a fresh one: a kernel that can prepare its result array while worker threads compute (taking
   * the page faults of a new array then) hands it over here.
   */
  resultInto(at: number, values: TypedArray): void {
    this.check('presetting a result');
    this.presetAt.push(at);
    this.presetArrays.push(values);
  }

  /**
   * What a kernel returned, with wasm addresses replaced by typed-array copies of their blocks: an address, or an
   * object (or array) of addresses and nulls, as fused kernels return. An address of a staged input gives a copy
   * of its staged block (which the kernel may have changed; the input itself is left as it was).
   */
  result(value: unknown, kernel: string): unknown {
    if (typeof value === 'number') return this.copyOut(value, kernel);
    if (value === null || value === undefined || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
    if (Array.isArray(value)) return value.map((v) => this.result(v, kernel));
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = this.result(v, kernel);
    return out;
  }

  /** A block's contents as a new typed array of its dtype (a disposed storage's array reused where one is kept). */
  private copyBlock(at: number, dtype: DType, size: number): TypedArray {
    const heap = this.heap;
    const kept = recycler.take(dtype, size);
    if (kept) {
      bytesOf(kept).set(heap.u8.subarray(at, at + kept.byteLength));
      return kept;
    }
    const values = uninitialisedArray(dtype, size);
    if (values === undefined) {
      if (dtype === 'bool') return recycler.own(heap.u8.slice(at, at + size));
      // Unsigned shifts: addresses above 2 GiB are positive numbers whose signed shift would be negative.
      if (dtype === 'int32') return recycler.own(heap.i32.slice(at >>> 2, (at >>> 2) + size));
      return recycler.own(heap.f32.slice(at >>> 2, (at >>> 2) + size));
    }
    bytesOf(values).set(heap.u8.subarray(at, at + values.byteLength));
    return recycler.own(values);
  }

  private copyOut(at: number, kernel: string): TypedArray {
    const heap = this.heap;
    for (let i = this.directViews.length - 1; i >= 0; i--) {
      const view = this.directViews[i];
      if (view.byteOffset !== at) continue;
      // Returned twice, it is two results: the second gets its own storage.
      if (this.directReturned[i]) return this.copyBlock(at, dtypeOfArray(view)!, view.length);
      this.directReturned[i] = true;
      this.moved += view.byteLength;
      return view;
    }
    for (let i = this.allocAt.length - 1; i >= 0; i--) {
      if (this.allocAt[i] !== at) continue;
      const size = this.allocSize[i],
        dtype = this.allocDType[i];
      const preset = this.presetAt.lastIndexOf(at);
      if (preset < 0 && this.depth === 1 && this.promotesResults) {
        // Moved into a resident storage once the frame is released (the region can grow only then): see close.
        this.promoteAt.push(at);
        this.promoteSize.push(size);
        this.promoteDType.push(dtype);
        return new Promised(this.promoteAt.length - 1) as unknown as TypedArray;
      }
      this.copiedOut += size * elementBytes(dtype);
      if (preset >= 0) {
        const values = this.presetArrays[preset];
        bytesOf(values).set(heap.u8.subarray(at, at + values.byteLength));
        return values;
      }
      return this.copyBlock(at, dtype, size);
    }
    const staged = this.stagedAt.indexOf(at);
    if (staged >= 0) {
      // The staged copy, as the kernel may have left it (a fused step updating copies of its inputs).
      const values = recycler.own(this.stagedArrays[staged].slice());
      bytesOf(values).set(heap.u8.subarray(at, at + values.byteLength));
      this.copiedOut += values.byteLength;
      return values;
    }
    throw new InvalidArgumentError(`wasm: kernel '${kernel}' returned ${at}, which is not a block it allocated or an input it staged`);
  }

  /** Copies the inputs staged with {@link stageForUpdate} back into their arrays. */
  writeBack(): void {
    for (const values of this.written) {
      const at = this.stagedAt[this.stagedArrays.indexOf(values)];
      bytesOf(values).set(this.heap.u8.subarray(at, at + values.byteLength));
      this.copiedOut += values.byteLength;
    }
    this.written.length = 0;
  }

  /** Counts `bytes` read out of a resident storage into a typed array (the backend's `readSync`). */
  countCopiedOut(bytes: number): void {
    this.copiedOut += bytes;
  }

  /**
   * `value` from {@link result} with its scratch results replaced by the resident storages {@link close} made for
   * them; call it after the outermost call's close.
   */
  settle(value: unknown): unknown {
    if (this.promoted.length === 0) return value;
    const out = this.replacePromised(value);
    if (this.depth === 0) this.promoted.length = 0;
    return out;
  }

  private replacePromised(value: unknown): unknown {
    if (value instanceof Promised) return this.promoted[value.index];
    if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
    if (Array.isArray(value)) return value.map((v) => this.replacePromised(v));
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = this.replacePromised(v);
    return out;
  }

  // Moves the scratch results out of the released frame into resident storages, lowest address first: the region
  // grows upwards from below the frame's base, so a block never lands on a result still waiting to move. A result
  // that cannot be made resident (the cap reached, memory full) is copied out as any other result.
  private promote(): void {
    const order = this.promoteAt.map((_, i) => i).sort((a, b) => this.promoteAt[a] - this.promoteAt[b]);
    this.promoted.length = this.promoteAt.length;
    for (const i of order) {
      const at = this.promoteAt[i],
        size = this.promoteSize[i],
        dtype = this.promoteDType[i];
      const bytes = size * elementBytes(dtype);
      const view = this.resident!.allocView(dtype, size);
      if (view === undefined) {
        this.promoted[i] = this.copyBlock(at, dtype, size);
        this.copiedOut += bytes;
        continue;
      }
      // Read the views after allocView, which may have grown memory.
      this.heap.u8.copyWithin(view.byteOffset, at, at + bytes);
      this.promoted[i] = view;
      this.moved += bytes;
    }
    this.promoteAt.length = 0;
    this.promoteSize.length = 0;
    this.promoteDType.length = 0;
  }

  /** Leaves a kernel call; the outermost one releases every block of the frame and makes its scratch results resident. */
  close(): void {
    if (--this.depth > 0) return;
    this.stagedArrays.length = 0;
    this.stagedAt.length = 0;
    this.allocAt.length = 0;
    this.allocDType.length = 0;
    this.allocSize.length = 0;
    this.written.length = 0;
    this.presetAt.length = 0;
    this.presetArrays.length = 0;
    for (let i = 0; i < this.directViews.length; i++) if (!this.directReturned[i]) this.resident!.release(this.directViews[i]);
    this.directViews.length = 0;
    this.directReturned.length = 0;
    this.heap.reset();
    if (this.promoteAt.length > 0) this.promote();
  }
}
