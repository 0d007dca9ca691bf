// Resident storages: float32 views into a region of wasm memory below the call frames that outlives kernel calls, so
// kernels read parameters and optimizer moments where they are instead of copying them in on every call.
//
// Memory layout: [heapBase, top) is the resident region (blocks and free gaps), and the call frames' heap starts at
// `top`. The region only grows while no call frame holds blocks (the frames' base then moves up with it), and shrinks
// when its top block is freed (the frames' base follows at the next reset).
//
// A resident storage's handle IS a Float32Array over the wasm memory's SharedArrayBuffer: views on a shared buffer
// stay valid when memory grows, so the handle is an ordinary typed array to every reader, and a kernel staging it
// gets its address without copying. Without shared memory (a page that is not cross-origin isolated) `grow` would
// detach such views, so nothing is made resident there and every call copies its inputs as before.
import { InvalidArgumentError, type DType, type TypedArray } from '@seqlab/tensor-core';
import { elementBytes, type CopyStats } from './call-frame.js';
import type { Heap, HeapStats } from './heap.js';

/** Every resident block starts on a 64-byte boundary, like the frames' blocks. */
const ALIGN = 64;

/**
 * Default cap on live resident bytes. Replaced storages are freed as soon as nothing else views them, but one that a
 * forgotten view still holds is freed only by a finalizer, which never runs inside a synchronous loop; past the cap
 * new storages are plain typed arrays again (copied in and out as before), so such a loop cannot exhaust memory.
 */
export const RESIDENT_LIMIT_BYTES = 1024 * 1024 * 1024;

/** Counters of the resident region, for tests and diagnostics. */
export interface ResidentStats {
  /** Bytes of live resident storages (rounded up to 64 bytes each). */
  residentBytes: number;
  /** Live resident storages. */
  residentBlocks: number;
  /** Bytes the resident region spans, free gaps included (the call frames' memory starts above it). */
  residentRegionBytes: number;
}

/** What `wasmHeapStats()` reports: the call frames' heap, the resident region, and the bytes copied in and out. */
export interface WasmHeapStats extends HeapStats, ResidentStats, CopyStats {}

/**
 * The resident region's allocator (best fit over address-ordered free gaps, merged when neighbours are freed) and
 * the registry of its views. Blocks are freed when their storage is released (a tensor disposed, or the last
 * tensor viewing it replaced by `assign`), or when the view is garbage-collected.
 */
export class ResidentRegion {
  private readonly frames: Heap;
  /** Whether memory is shared; without it nothing is made resident. */
  readonly enabled: boolean;
  private readonly base: number;
  private top: number;
  // Free gaps below `top`, in address order (parallel arrays of starts and ends).
  private readonly gapStart: number[] = [];
  private readonly gapEnd: number[] = [];
  private readonly blockBytes = new Map<number, number>();
  private readonly views = new WeakMap<object, number>();
  /** Addresses of the blocks from {@link pin}. */
  private readonly pinned = new Set<number>();
  private readonly collected: FinalizationRegistry<number>;
  private liveBytes = 0;
  /** Live resident bytes at most (see {@link RESIDENT_LIMIT_BYTES}); tests lower it. */
  limitBytes = RESIDENT_LIMIT_BYTES;

  /** `frames` is the call frames' heap, whose base sits at this region's top; `base` is where the region starts. */
  constructor(frames: Heap, base: number, shared: boolean) {
    this.frames = frames;
    this.enabled = shared;
    this.base = this.top = Math.ceil(base / ALIGN) * ALIGN;
    // A view collected without being released (its tensors garbage, never disposed) frees its block here.
    this.collected = new FinalizationRegistry((at) => this.free(at));
  }

  /**
   * A new resident float32 storage of `size` elements (contents undefined), or undefined where it cannot be made
   * now: memory is not shared, the region must grow while a kernel call holds blocks above it, memory cannot grow,
   * or the live resident bytes would pass {@link limitBytes}.
   */
  allocF32(size: number): Float32Array | undefined {
    return this.allocView('float32', size) as Float32Array | undefined;
  }

  /**
   * Like {@link allocF32} for any dtype the wasm kernels compute in (an `Int32Array` or, for bool, a `Uint8Array`
   * view): the backend's scratch results (call-frame.ts).
   */
  allocView(dtype: DType, size: number): TypedArray | undefined {
    const bytes = size * elementBytes(dtype);
    if (!this.enabled || this.liveBytes + bytes > this.limitBytes) return undefined;
    const at = this.alloc(Math.max(bytes, 1));
    if (at < 0) return undefined;
    const buffer = this.frames.memory.buffer;
    const view =
      dtype === 'bool' ? new Uint8Array(buffer, at, size) : dtype === 'int32' ? new Int32Array(buffer, at, size) : new Float32Array(buffer, at, size);
    this.views.set(view, at);
    this.collected.register(view, at, view);
    return view;
  }

  /**
   * A block of at least `bytes` bytes kept across kernel calls for the backend's own data (the packed recurrent
   * weights of packed-weights.ts), or null when none can be made now (the region must grow while a kernel call holds
   * blocks above it, or memory cannot grow). Pinned blocks work on unshared memory too (they are addresses, not views)
   * and count in {@link pinnedBytes}, not in the resident bytes or their limit.
   */
  pin(bytes: number): number | null {
    const at = this.alloc(Math.max(bytes, 1));
    if (at < 0) return null;
    this.liveBytes -= this.blockBytes.get(at)!;
    this.pinned.add(at);
    return at;
  }

  /** Frees a block from {@link pin}. */
  unpin(at: number): void {
    if (!this.pinned.delete(at)) throw new InvalidArgumentError(`wasm resident region: argument 'at' must be a pinned block; received ${at}`);
    this.liveBytes += this.blockBytes.get(at)!;
    this.free(at);
  }

  /** Bytes of the blocks from {@link pin} not yet freed. */
  get pinnedBytes(): number {
    let total = 0;
    for (const at of this.pinned) total += this.blockBytes.get(at)!;
    return total;
  }

  /** The wasm address of a resident storage, or -1 for any other array. */
  addressOf(values: object): number {
    return this.views.get(values) ?? -1;
  }

  /** Frees a resident storage's block; false (and nothing done) for an array that is not one. */
  release(values: object): boolean {
    const at = this.views.get(values);
    if (at === undefined) return false;
    this.views.delete(values);
    this.collected.unregister(values);
    this.free(at);
    return true;
  }

  /** Current counters. */
  stats(): ResidentStats {
    return { residentBytes: this.liveBytes, residentBlocks: this.blockBytes.size - this.pinned.size, residentRegionBytes: this.top - this.base };
  }

  private alloc(bytes: number): number {
    const size = Math.ceil(bytes / ALIGN) * ALIGN;
    let best = -1;
    for (let i = 0; i < this.gapStart.length; i++) {
      const room = this.gapEnd[i] - this.gapStart[i];
      if (room >= size && (best < 0 || room < this.gapEnd[best] - this.gapStart[best])) best = i;
    }
    let at: number;
    if (best >= 0) {
      at = this.gapStart[best];
      this.gapStart[best] += size;
      if (this.gapStart[best] === this.gapEnd[best]) {
        this.gapStart.splice(best, 1);
        this.gapEnd.splice(best, 1);
      }
    } else {
      // Growing the region moves the frames' base, which only an empty frame allows.
      if (!this.frames.isEmpty) return -1;
      at = this.top;
      try {
        this.frames.reserve(at + size);
      } catch {
        return -1; // memory cannot grow this far: the storage stays an ordinary array
      }
      this.top = at + size;
      this.frames.moveBase(this.top);
    }
    this.blockBytes.set(at, size);
    this.liveBytes += size;
    return at;
  }

  private free(at: number): void {
    const size = this.blockBytes.get(at);
    if (size === undefined) return;
    this.blockBytes.delete(at);
    this.liveBytes -= size;
    let start = at,
      end = at + size;
    // Merge with the gaps just below and just above, then give a gap that reaches the top back to the frames.
    let i = 0;
    while (i < this.gapStart.length && this.gapStart[i] < start) i++;
    if (i > 0 && this.gapEnd[i - 1] === start) {
      start = this.gapStart[i - 1];
      this.gapStart.splice(i - 1, 1);
      this.gapEnd.splice(i - 1, 1);
      i--;
    }
    if (i < this.gapStart.length && this.gapStart[i] === end) {
      end = this.gapEnd[i];
      this.gapStart.splice(i, 1);
      this.gapEnd.splice(i, 1);
    }
    if (end === this.top) {
      this.top = start;
      this.frames.moveBase(this.top);
      return;
    }
    this.gapStart.splice(i, 0, start);
    this.gapEnd.splice(i, 0, end);
  }
}
