// The JS-side allocator of wasm linear memory: size-class free lists over a bump pointer, growing with memory.grow,
// reset wholesale when a kernel call returns.
import { InvalidArgumentError, MemoryBudgetError } from '@seqlab/tensor-core';

const PAGE = 65536;
/** Every block starts on a 64-byte boundary (a cache line), so f32x4 loads never straddle lines needlessly. */
const ALIGN = 64;
/** How many size classes above the requested one a free block may come from. */
const REUSE_CLASSES = 2;

/**
 * Size class of a request: 16-byte steps up to 64 bytes, then four classes per power of two (at most 25% slack).
 */
export function sizeClass(bytes: number): number {
  if (bytes <= 64) return Math.max(0, ((bytes + 15) >> 4) - 1);
  const e = 31 - Math.clz32(bytes - 1);
  const base = 2 ** e;
  const k = Math.ceil((bytes - base) / (base / 4));
  return 4 + (e - 6) * 4 + (k - 1);
}

/** Bytes of a block of size class `cls`. */
export function classBytes(cls: number): number {
  if (cls < 4) return (cls + 1) * 16;
  const base = 2 ** (6 + Math.floor((cls - 4) / 4));
  return base + (((cls - 4) % 4) + 1) * (base / 4);
}

/** Counters of the wasm heap, for tests and diagnostics. */
export interface HeapStats {
  /** Current size of wasm linear memory in bytes. */
  memoryBytes: number;
  /** Blocks handed out and not yet freed. */
  liveBlocks: number;
  /** Bytes of those blocks (rounded up to their size classes). */
  liveBytes: number;
  /** Freed blocks waiting in the free lists for reuse. */
  freeBlocks: number;
  /** Bytes of those blocks. */
  freeBytes: number;
  /** Times memory.grow was called. */
  grows: number;
}

/** Allocator over one WebAssembly.Memory; also owns the typed-array views, renewed whenever memory grows. */
export class Heap {
  readonly memory: WebAssembly.Memory;
  /** float32 view of all of memory (index = byte address / 4); renewed by growth, so re-read it after `alloc`. */
  f32!: Float32Array;
  /** int32 view of all of memory. */
  i32!: Int32Array;
  /** byte view of all of memory. */
  u8!: Uint8Array;
  private top: number;
  /** Where the bump pointer returns on reset: the first byte above the pinned blocks. */
  private base: number;
  /** Pinned blocks, lowest first, each spanning up to the next (or up to `base`); freed ones wait for reuse. */
  private readonly pinned: { at: number; bytes: number; free: boolean }[] = [];
  private readonly freeLists: number[][] = [];
  private readonly blockClass = new Map<number, number>();
  private liveBytes = 0;
  private freeBytes = 0;
  private freeCount = 0;
  private grows = 0;

  constructor(memory: WebAssembly.Memory, heapBase: number) {
    this.memory = memory;
    this.base = Math.ceil(heapBase / ALIGN) * ALIGN;
    this.top = this.base;
    this.refresh();
  }

  private refresh(): void {
    const buffer = this.memory.buffer;
    this.f32 = new Float32Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.u8 = new Uint8Array(buffer);
  }

  private grow(end: number): void {
    const have = this.memory.buffer.byteLength;
    const need = Math.ceil((end - have) / PAGE);
    // Grow by at least an eighth of the current size so a growing workload does not call grow per tensor.
    const want = Math.max(need, Math.ceil(have / PAGE / 8));
    try {
      this.memory.grow(want);
    } catch {
      try {
        this.memory.grow(need);
      } catch {
        throw new MemoryBudgetError(
          `wasm: cannot allocate ${end - this.top} bytes: linear memory is ${have} bytes and cannot grow by ${need * PAGE} more (the 4 GiB wasm32 limit or the host's)`,
        );
      }
    }
    this.grows++;
    this.refresh();
  }

  /** A block of at least `bytes` bytes (64-byte aligned; contents undefined). */
  alloc(bytes: number): number {
    const wanted = sizeClass(Math.max(bytes, 1));
    // A free block of this class or, failing that, of the next two (at most about 50% slack) before new memory.
    for (let cls = wanted; cls <= wanted + REUSE_CLASSES; cls++) {
      const list = this.freeLists[cls];
      if (list !== undefined && list.length > 0) {
        const ptr = list.pop()!;
        const size = classBytes(cls);
        this.freeBytes -= size;
        this.freeCount--;
        this.blockClass.set(ptr, cls);
        this.liveBytes += size;
        return ptr;
      }
    }
    const size = classBytes(wanted);
    const ptr = this.top;
    const end = ptr + Math.ceil(size / ALIGN) * ALIGN;
    if (end > this.memory.buffer.byteLength) this.grow(end);
    this.top = end;
    this.blockClass.set(ptr, wanted);
    this.liveBytes += size;
    return ptr;
  }

  /** Returns a block from {@link alloc} for reuse. */
  free(ptr: number): void {
    const cls = this.blockClass.get(ptr);
    if (cls === undefined) throw new InvalidArgumentError(`wasm heap: argument 'ptr' must be a live block; received ${ptr}`);
    this.blockClass.delete(ptr);
    const size = classBytes(cls);
    this.liveBytes -= size;
    if (ptr + Math.ceil(size / ALIGN) * ALIGN === this.top) {
      // The block on top goes back to the bump pointer, where any size class can use it.
      this.top = ptr;
      return;
    }
    (this.freeLists[cls] ??= []).push(ptr);
    this.freeBytes += size;
    this.freeCount++;
  }

  /**
   * Releases every block at once: the bump pointer returns to the heap's base and the free lists empty. Memory
   * keeps its size, so the next round of allocations reuses it without growing.
   */
  reset(): void {
    this.top = this.base;
    this.freeLists.length = 0;
    this.blockClass.clear();
    this.liveBytes = 0;
    this.freeBytes = 0;
    this.freeCount = 0;
  }

  /**
   * A block of at least `bytes` bytes that {@link reset} keeps (64-byte aligned, contents undefined), for data that
   * outlives kernel calls; null when none can be made now. A freed pinned block large enough is reused; otherwise the
   * block is cut from the bottom of the heap, which only works while no block is live (between kernel calls, or in a
   * call that has not allocated yet).
   */
  pin(bytes: number): number | null {
    const size = Math.ceil(Math.max(bytes, 1) / ALIGN) * ALIGN;
    const hole = this.pinned.find((p) => p.free && p.bytes >= size);
    if (hole) {
      hole.free = false;
      return hole.at;
    }
    if (this.blockClass.size > 0 || this.top !== this.base) return null;
    const at = this.base;
    if (at + size > this.memory.buffer.byteLength) this.grow(at + size);
    this.base = this.top = at + size;
    this.pinned.push({ at, bytes: size, free: false });
    return at;
  }

  /** Frees a block from {@link pin}; the heap takes freed pinned blocks at its bottom back when no block is live. */
  unpin(at: number): void {
    const block = this.pinned.find((p) => p.at === at && !p.free);
    if (!block) throw new InvalidArgumentError(`wasm heap: argument 'at' must be a pinned block; received ${at}`);
    block.free = true;
    if (this.blockClass.size > 0 || this.top !== this.base) return;
    while (this.pinned.length > 0 && this.pinned[this.pinned.length - 1].free) this.base = this.top = this.pinned.pop()!.at;
  }

  /** Bytes held by pinned blocks, free ones included. */
  get pinnedBytes(): number {
    return this.pinned.reduce((total, p) => total + p.bytes, 0);
  }

  /** Current counters. */
  stats(): HeapStats {
    return {
      memoryBytes: this.memory.buffer.byteLength,
      liveBlocks: this.blockClass.size,
      liveBytes: this.liveBytes,
      freeBlocks: this.freeCount,
      freeBytes: this.freeBytes,
      grows: this.grows,
    };
  }
}
