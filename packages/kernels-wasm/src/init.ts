// Bringing the backend up: synchronous where the host allows (Node), asynchronous otherwise (browsers).
import { InvalidArgumentError, registerBackend, type Backend } from '@seqlab/tensor-core';
import { wasmBackend } from './backend.js';
import { availableBuilds, BUILD_ENV, envChoice, resolveBuild, type WasmBuild, type WasmBuildChoice } from './builds.js';
import { runtime as currentRuntime, setRuntime } from './context.js';
import { hasSharedMemory, hasWasmSimd } from './features.js';
import type { WasmHeapStats } from './resident.js';
import { kernelBytes, unshareMemoryImport } from './module-bytes.js';
import { Runtime } from './runtime.js';
import { wasmState } from './shared.js';

// One runtime for every loaded copy of kernels-wasm, and the thread count and busy time set before it exists (a
// browser page calling setThreads before initWasm resolves).
const init = wasmState.claim('init', {
  active: undefined as Runtime | undefined,
  pending: undefined as Promise<Backend | undefined> | undefined,
  requestedThreads: undefined as number | undefined,
  requestedBusyMs: undefined as number | undefined,
});

// What chose the running kernel build, setWasmBuild's last choice, and the queue that runs its switches in call order.
const builds = wasmState.claim('builds', {
  chosenBy: 'auto' as WasmBuildInfo['chosenBy'],
  requested: undefined as WasmBuildChoice | undefined,
  switches: Promise.resolve() as Promise<unknown>,
});

function moduleBytes(shared: boolean, build: WasmBuild): Uint8Array {
  const bytes = kernelBytes(build);
  return shared ? bytes : unshareMemoryImport(bytes);
}

// The build initialisation loads: setWasmBuild's choice, else $SEQLAB_WASM_BUILD's, else the fastest available.
function startBuild(): { build: WasmBuild; chosenBy: WasmBuildInfo['chosenBy'] } {
  if (builds.requested !== undefined) return { build: resolveBuild(builds.requested, "setWasmBuild: argument 'build'"), chosenBy: 'setWasmBuild' };
  const env = envChoice();
  if (env !== undefined) return { build: resolveBuild(env, `the environment variable ${BUILD_ENV}`), chosenBy: BUILD_ENV };
  return { build: resolveBuild('auto', 'auto'), chosenBy: 'auto' };
}

function install(module: WebAssembly.Module, shared: boolean, start: ReturnType<typeof startBuild>): Backend {
  init.active = new Runtime(module, shared, start.build);
  builds.chosenBy = start.chosenBy;
  if (init.requestedThreads !== undefined) init.active.setThreads(init.requestedThreads);
  if (init.requestedBusyMs !== undefined) init.active.busyMs = init.requestedBusyMs;
  setRuntime(init.active);
  registerBackend(wasmBackend, { setActive: true });
  return wasmBackend;
}

/**
 * True where WebAssembly SIMD is available, i.e. where the wasm backend can run.
 *
 * @example
 * ```ts
 * const backend = isWasmSupported() ? 'wasm' : 'cpu';
 * const x = zeros([2, 2], { backend });
 * console.assert(x.backendName === backend);
 * ```
 */
export function isWasmSupported(): boolean {
  return hasWasmSimd();
}

/**
 * Compiles and instantiates the kernels synchronously, registers `wasm` and makes it the active backend. Returns
 * false where SIMD is missing or the host refuses synchronous compilation (a browser's main thread); then
 * {@link initWasm} does it asynchronously.
 *
 * @example
 * ```ts
 * if (!initWasmSync()) await initWasm(); // synchronous in Node; a browser's main thread needs the asynchronous form
 * console.assert(!isWasmSupported() || listBackends().includes('wasm'));
 * ```
 */
export function initWasmSync(): boolean {
  if (init.active) return true;
  if (!hasWasmSimd()) return false;
  // Outside the try: a build that was asked for by name and cannot run here is an error, not a silent cpu fallback.
  const start = startBuild();
  try {
    const shared = hasSharedMemory();
    install(new WebAssembly.Module(moduleBytes(shared, start.build) as BufferSource), shared, start);
    return true;
  } catch {
    return false;
  }
}

/**
 * Compiles the kernels asynchronously (as browsers require for modules over 4 KiB on the main thread), registers
 * `wasm` and makes it active. Resolves to the backend, or to undefined where WebAssembly SIMD is unavailable (the
 * `cpu` backend then stays active). Calling it again returns the same promise.
 *
 * @example
 * ```ts
 * // In a browser, before the first tensor op (Node has already initialised the backend on import).
 * const backend = await initWasm();
 * console.assert(backend === undefined || backend.name === 'wasm'); // undefined: no SIMD, cpu stays active
 * ```
 */
export function initWasm(): Promise<Backend | undefined> {
  if (init.active) return Promise.resolve(wasmBackend);
  init.pending ??= (async () => {
    if (!hasWasmSimd()) return undefined;
    const start = startBuild();
    const shared = hasSharedMemory();
    const module = await WebAssembly.compile(moduleBytes(shared, start.build) as BufferSource);
    return init.active ? wasmBackend : install(module, shared, start);
  })();
  return init.pending;
}

/**
 * Resolves once the backend is initialised and, when more than one thread is configured, its workers are running
 * (or after `timeoutMs`, after which large matmuls still run, on the threads that did start).
 *
 * @example
 * ```ts
 * setThreads(4);
 * const backend = await ready(); // the workers are up: the first large matmul runs on all four threads
 * console.assert(backend?.name === 'wasm' && wasmThreadInfo().readyWorkers <= 3);
 * ```
 */
export async function ready(timeoutMs = 10_000): Promise<Backend | undefined> {
  const backend = await initWasm();
  if (!backend || !init.active) return backend;
  const pool = init.active.workerPool();
  const deadline = Date.now() + timeoutMs;
  while (pool && init.active.readyWorkers < init.active.threadCount - 1 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return backend;
}

/** Options of {@link setThreads}. */
export interface ThreadOptions {
  /**
   * Milliseconds after its last task for which an idle worker keeps busy (yielding its core for 50 µs every
   * 0.5 ms) before it sleeps; default 200. Busy workers join the next large product at full speed at once, which on
   * a virtual machine an idle core may not; 0 makes workers sleep 1 ms after each task, freeing their cores for
   * other work (other processes, or several processes sharing a small machine) at some cost in speed.
   */
  busyMs?: number;
}

/**
 * Sets how many threads large kernels use, the calling thread included (default: the hardware threads, at most
 * 4). 1 turns worker threads off; without SharedArrayBuffer (a page that is not cross-origin isolated) it stays 1.
 * `options.busyMs` sets how long idle workers keep busy after a task (see {@link ThreadOptions}).
 *
 * @example
 * ```ts
 * setThreads(2, { busyMs: 0 }); // two threads; workers sleep as soon as they are idle
 * ```
 */
export function setThreads(n: number, options: ThreadOptions = {}): void {
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new InvalidArgumentError(`setThreads: argument 'n' must be an integer in [1, 64]; received ${String(n)}`);
  }
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`setThreads: argument 'options' must be an object; received ${String(options)}`);
  }
  const { busyMs } = options;
  if (busyMs !== undefined && (typeof busyMs !== 'number' || !Number.isFinite(busyMs) || busyMs < 0 || busyMs > 60_000)) {
    throw new InvalidArgumentError(`setThreads: option 'busyMs' must be a number of milliseconds in [0, 60000]; received ${String(busyMs)}`);
  }
  init.requestedThreads = n;
  init.active?.setThreads(n);
  if (busyMs !== undefined) {
    init.requestedBusyMs = busyMs;
    if (init.active) init.active.busyMs = busyMs;
  }
}

/**
 * Threads large kernels use now, the calling thread included (the requested count before initialisation).
 *
 * @example
 * ```ts
 * const n = getThreads(); // by default the hardware threads, at most 4
 * console.assert(Number.isInteger(n) && n >= 1);
 * ```
 */
export function getThreads(): number {
  return init.active?.threadCount ?? init.requestedThreads ?? 1;
}

/** Thread state of the wasm backend. */
export interface WasmThreadInfo {
  /** Threads large kernels use, the calling thread included. */
  threads: number;
  /** Worker threads started and running (threads - 1 once they are up). */
  readyWorkers: number;
  /** Whether wasm memory is shared (SharedArrayBuffer); without it the backend runs on one thread. */
  sharedMemory: boolean;
  /** Chunks of shared tasks (matmul tiles, attention heads) that worker threads have run so far. */
  workerChunks: number;
  /** Milliseconds after a task for which idle workers keep busy before they sleep ({@link ThreadOptions.busyMs}). */
  busyMs: number;
}

/**
 * Thread count, running workers, whether memory is shared, and how much work the workers have done.
 *
 * @example
 * ```ts
 * const info = wasmThreadInfo();
 * console.assert(info.threads === getThreads() && info.readyWorkers <= info.threads - 1);
 * if (!info.sharedMemory) console.assert(info.threads === 1); // without SharedArrayBuffer: one thread
 * ```
 */
export function wasmThreadInfo(): WasmThreadInfo {
  const rt = currentRuntime();
  return {
    threads: rt.threadCount,
    readyWorkers: rt.readyWorkers,
    sharedMemory: rt.shared,
    workerChunks: rt.currentPool?.workerChunks ?? 0,
    busyMs: rt.busyMs,
  };
}

/**
 * Counters of the wasm scratch allocator (blocks live and free, memory size, growth count), of the resident region
 * (parameters and optimizer moments kept in wasm memory: `residentBytes`, `residentBlocks`) and of the bytes call
 * frames copied in and out. Kernel calls release their blocks when they return, so between calls `liveBlocks` is 0.
 *
 * @example
 * ```ts
 * add(ones([1000], { backend: 'wasm' }), 1);
 * const stats = wasmHeapStats();
 * console.assert(stats.liveBlocks === 0 && stats.memoryBytes > 0); // kernel calls free their blocks when they return
 * ```
 */
export function wasmHeapStats(): WasmHeapStats {
  const rt = currentRuntime();
  return { ...rt.heap.stats(), ...rt.resident.stats(), ...rt.frame.copyStats() };
}

/** Which kernel build runs, which builds this host can run, and what chose the running one. */
export interface WasmBuildInfo {
  /** The build kernel calls run on (before initialisation: the one initialisation will load). */
  build: WasmBuild;
  /** The builds this host can run: `plain` wherever WebAssembly SIMD exists, `fma` where relaxed SIMD validates too. */
  available: WasmBuild[];
  /** `auto` (the fastest available), the `SEQLAB_WASM_BUILD` environment variable, or a {@link setWasmBuild} call. */
  chosenBy: 'auto' | 'SEQLAB_WASM_BUILD' | 'setWasmBuild';
}

/**
 * The kernel build that runs (`fma`: relaxed-SIMD fused multiply-add; `plain`: SIMD mul then add), the builds
 * available here and what chose it. By default the fastest available runs; `SEQLAB_WASM_BUILD=plain|fma|auto` (Node)
 * or {@link setWasmBuild} choose another.
 *
 * @example
 * ```ts
 * const { build, available } = wasmBuildInfo();
 * console.log(`wasm kernels: ${build} build (available here: ${available.join(', ')})`);
 * console.assert(available.includes(build));
 * ```
 */
export function wasmBuildInfo(): WasmBuildInfo {
  const available = availableBuilds();
  if (init.active !== undefined) return { build: init.active.build, available, chosenBy: builds.chosenBy };
  const { build, chosenBy } = startBuild();
  return { build, available, chosenBy };
}

/**
 * Runs the kernels on build `build` from the next kernel call on: `fma` (relaxed-SIMD fused multiply-add in every
 * multiply-add loop), `plain` (WebAssembly SIMD, mul then add) or `auto` (the fastest this host runs). Before
 * initialisation it picks the build that initialisation loads; afterwards it compiles the other build on first use
 * (asynchronously, so a browser's main thread may call it too) and instantiates it on the same memory, beside the
 * first, in this thread and in the workers (which restart once to take it), so that switching is immediate and the
 * workers keep running. Resolves to the build once it runs and the workers are up (see {@link ready}). Tensors keep
 * their values across a switch; only the rounding of multiply-adds changes. Throws an InvalidArgumentError for
 * another value, or for `fma` where relaxed SIMD is missing (Node 20 has it behind
 * `--experimental-wasm-relaxed-simd`; Node 22+ and browsers since 2023 have it on).
 *
 * @example
 * ```ts
 * const build = await setWasmBuild(wasmBuildInfo().available.includes('fma') ? 'fma' : 'plain');
 * console.assert(wasmBuildInfo().build === build);
 * await setWasmBuild('auto'); // back to the default
 * ```
 */
export function setWasmBuild(build: WasmBuildChoice): Promise<WasmBuild> {
  const target = resolveBuild(build, "setWasmBuild: argument 'build'");
  builds.requested = build;
  const next = builds.switches.then(async () => {
    await initWasm();
    const rt = currentRuntime();
    if (!rt.hasBuild(target)) rt.addBuild(target, await WebAssembly.compile(moduleBytes(rt.shared, target) as BufferSource));
    rt.useBuild(target);
    builds.chosenBy = 'setWasmBuild';
    // Adding a build restarts the workers (they instantiate every build the runtime holds).
    await ready();
    return target;
  });
  builds.switches = next.catch(() => undefined);
  return next;
}
