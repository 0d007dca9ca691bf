// The live wasm runtime: compiled modules (one per kernel build), shared memory, instances, heap, call frame, thread pool and matmul scratch.
import { InvalidArgumentError } from '@seqlab/tensor-core';
import type { WasmBuild } from './builds.js';
import { CallFrame } from './call-frame.js';
import type { KernelExports } from './exports.js';
import { hardwareThreads, hasSharedMemory } from './features.js';
import { Heap } from './heap.js';
import { ResidentRegion } from './resident.js';
import { DEFAULT_BUSY_MS, ThreadPool } from './thread-pool.js';

/** wasm32's address space in 64 KiB pages (4 GiB). */
const MAX_PAGES = 65536;
/** Largest matmul tile (rows and columns) a thread packs; sets the per-thread scratch size. */
export const MAX_TILE = 256;

function createMemory(shared: boolean): WebAssembly.Memory {
  // Shared memories reserve their maximum up front; fall back to smaller reservations where the host refuses 4 GiB.
  for (const maximum of [MAX_PAGES, MAX_PAGES / 4, MAX_PAGES / 16]) {
    try {
      return new WebAssembly.Memory({ initial: 32, maximum, shared });
    } catch {
      // try the next size
    }
  }
  return new WebAssembly.Memory({ initial: 32, maximum: 4096, shared });
}

function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
}

/** Everything the kernels need at run time. */
export class Runtime {
  /** The module of the build the runtime started with. */
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  /** The exports of the build in use ({@link useBuild}). */
  exports: KernelExports;
  readonly heap: Heap;
  /** Storages that stay in wasm memory between calls (parameters and optimizer moments); see resident.ts. */
  readonly resident: ResidentRegion;
  /** The memory of the kernel call in progress. */
  readonly frame: CallFrame;
  /** Whether memory is a SharedArrayBuffer, i.e. whether worker threads are possible. */
  readonly shared: boolean;
  private threads: number;
  private pool: ThreadPool | undefined;
  private busy = DEFAULT_BUSY_MS;
  /** Bytes of matmul scratch per thread. */
  readonly scratchStride: number;
  /**
   * The builds instantiated on this memory, in the order the workers instantiate them, and the index of the one in
   * use, which the workers read before every task (shared, so that they follow a switch at once).
   */
  private readonly builds: { build: WasmBuild; module: WebAssembly.Module; exports: KernelExports }[];
  private readonly buildIndex: Int32Array;

  constructor(module: WebAssembly.Module, shared: boolean, build: WasmBuild = 'plain') {
    this.module = module;
    this.shared = shared;
    this.memory = createMemory(shared);
    this.exports = instantiate(module, this.memory);
    this.builds = [{ build, module, exports: this.exports }];
    this.buildIndex = new Int32Array(shared ? new SharedArrayBuffer(4) : new ArrayBuffer(4));
    this.heap = new Heap(this.memory, this.exports.heapBase());
    this.resident = new ResidentRegion(this.heap, this.exports.heapBase(), shared);
    this.frame = new CallFrame(this.heap, this.resident);
    this.scratchStride = Math.ceil(this.exports.matmulScratchBytes(MAX_TILE, MAX_TILE) / 64) * 64;
    this.threads = shared ? Math.max(1, Math.min(hardwareThreads(), 4)) : 1;
  }

  /** The kernel build in use. */
  get build(): WasmBuild {
    return this.builds[Atomics.load(this.buildIndex, 0)].build;
  }

  /** Whether `build` is instantiated here. */
  hasBuild(build: WasmBuild): boolean {
    return this.builds.some((b) => b.build === build);
  }

  /**
   * Instantiates `module` (kernel build `build`) on this runtime's memory. Every build compiles from the same sources,
   * so their static data is the same bytes at the same addresses (checked through heapBase) and instantiating one
   * more rewrites it unchanged. Running workers are stopped: the next task starts workers that hold every build.
   */
  addBuild(build: WasmBuild, module: WebAssembly.Module): void {
    if (this.hasBuild(build)) return;
    const exports = instantiate(module, this.memory);
    if (exports.heapBase() !== this.exports.heapBase()) {
      throw new InvalidArgumentError(
        `wasm: the '${build}' kernel build's static data ends at ${exports.heapBase()}, the running build's at ${this.exports.heapBase()}; they cannot share one memory`,
      );
    }
    this.builds.push({ build, module, exports });
    this.pool?.stop();
    this.pool = undefined;
  }

  /** Runs kernels on `build` (instantiated by {@link addBuild}) from the next call on, on this thread and the workers. */
  useBuild(build: WasmBuild): void {
    const index = this.builds.findIndex((b) => b.build === build);
    if (index < 0) throw new InvalidArgumentError(`wasm: the '${build}' kernel build is not instantiated; add it first`);
    this.exports = this.builds[index].exports;
    Atomics.store(this.buildIndex, 0, index);
  }

  /** Threads used for large kernels (the calling thread included). */
  get threadCount(): number {
    return this.threads;
  }

  /** Sets the thread count; 1 turns workers off. Without shared memory the count stays 1. */
  setThreads(n: number): void {
    if (!Number.isInteger(n) || n < 1 || n > 64) {
      throw new InvalidArgumentError(`setThreads: argument 'n' must be an integer in [1, 64]; received ${String(n)}`);
    }
    this.threads = this.shared ? n : 1;
    // A pool big enough is kept (each task says how many threads take part); a larger count needs a new pool.
    if (this.pool && this.pool.threads < this.threads) {
      this.pool.stop();
      this.pool = undefined;
    }
  }

  /** Milliseconds after a task for which idle workers keep busy before they sleep. */
  get busyMs(): number {
    return this.busy;
  }

  /** Sets {@link busyMs} (validated by the caller); running workers see the change at once. */
  set busyMs(ms: number) {
    this.busy = ms;
    if (this.pool) this.pool.busyMs = ms;
  }

  /** The worker pool for the current thread count, started on first use; undefined when running single-threaded. */
  workerPool(): ThreadPool | undefined {
    if (this.threads <= 1) return undefined;
    if (this.pool && !this.pool.healthy) {
      this.pool.stop();
      this.threads = 1;
      this.pool = undefined;
      return undefined;
    }
    this.pool ??= ThreadPool.start(
      this.threads,
      this.builds.map((b) => b.module),
      this.memory,
      this.busy,
      this.buildIndex,
    );
    if (!this.pool) this.threads = 1;
    return this.pool;
  }

  /** The worker pool if one is running (for tests and diagnostics). */
  get currentPool(): ThreadPool | undefined {
    return this.pool;
  }

  /** Workers started and ready (0 when single-threaded or not yet started). */
  get readyWorkers(): number {
    return Math.min(this.pool?.readyWorkers ?? 0, this.threads - 1);
  }

  /** Matmul scratch for `threads` threads, {@link scratchStride} bytes each, in the current call's memory. */
  matmulScratch(threads: number): number {
    return this.heap.alloc(threads * this.scratchStride);
  }
}
