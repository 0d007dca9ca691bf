// Worker threads over the shared wasm memory: publishing a task, running a share of it here, and waiting for the rest.
//
// Protocol: the poster writes the descriptor under a fresh 16-bit tag (claim word locked while the fields change),
// stores its address in TASK, bumps GEN and notifies. Each woken worker runs the task with the tag of the generation
// it saw; runTask claims chunks by compare-and-swap on the tagged claim word, so a worker that wakes late, or for a
// task already replaced, claims nothing. The poster runs the task too and then waits only for the chunks that were
// claimed to finish: it never waits for a worker that has not started.
import { nodeBuiltin } from '@seqlab/tensor-core';
import { canBlock } from './features.js';
import { BROWSER_WORKER_SOURCE, CTL, LOCAL_TAG, NODE_WORKER_SOURCE, TAG_MODULUS } from './worker-source.js';

/**
 * Milliseconds a worker busy-waits for the next task (also after {@link ThreadPool.wake}: long enough to cover the
 * copying-in of a large product's inputs).
 */
const WORKER_SPIN_MS = 1;
/**
 * Default milliseconds from the last task for which a worker keeps busy, giving its core up for
 * {@link WORKER_YIELD_MS} every {@link WORKER_YIELD_EVERY_MS}; after that it sleeps until notified. On this project's
 * 2-core virtual machine a worker whose core had idled ran its share of the next product at about half speed (its
 * core was slow to come back), so a 512³ product on two threads ran at 44–61 GFLOP/s where a worker kept busy gave
 * 59–75; the short yields leave room for the garbage collector's threads and other processes. `setThreads(n, {
 * busyMs })` changes it.
 */
export const DEFAULT_BUSY_MS = 200;
/** Length of one yield (a timed wait), milliseconds. */
const WORKER_YIELD_MS = 0.05;
/** Milliseconds of busy-waiting between yields. */
const WORKER_YIELD_EVERY_MS = 0.5;
/** Busy-wait iterations before the poster sleeps while workers finish. */
const POSTER_SPIN = 2000;

interface WorkerHandle {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

interface NodeWorkerCtor {
  new (url: URL): WorkerHandle & { unref(): void; on(event: string, listener: (err: unknown) => void): void };
}

/** What the pool needs from the instantiated kernels. */
export interface TaskRunner {
  /** Runs chunks of the task tagged `tag` until none is left; returns how many units of work this thread ran. */
  runTask(task: number, thread: number, tag: number): number;
}

/**
 * Writes a task descriptor at `task` under `tag`: the claim word is locked (no chunk claimable) while `fill` writes
 * the fields, `done` is reset, then the claim word opens at chunk 0.
 */
function publish(i32: Int32Array, task: number, tag: number, fill: () => void): void {
  const claim = (task + 8) >>> 2;
  Atomics.store(i32, claim, (tag << 16) | 0xffff);
  fill();
  Atomics.store(i32, (task + 12) >>> 2, 0);
  Atomics.store(i32, claim, tag << 16);
}

/** Runs a task on the calling thread alone (its tag is one no worker ever holds). */
export function runHere(runner: TaskRunner, i32: Int32Array, task: number, fill: () => void): void {
  publish(i32, task, LOCAL_TAG, fill);
  runner.runTask(task, 0, LOCAL_TAG);
}

/**
 * Whether sharing a task cost time, so that the next tasks of its size should run on the calling thread alone. The
 * calling thread ran `mine` of the `chunks` chunks in `ownMs` and would have needed about ownMs · chunks / mine
 * alone; the task took `totalMs`. A worker that woke late and took few chunks, or none, costs next to nothing (the
 * calling thread took the rest), so only a task slower than that estimate counts: a worker descheduled while it held
 * a chunk.
 */
export function sharingLost(totalMs: number, ownMs: number, chunks: number, mine: number): boolean {
  return mine > 0 && mine < chunks && totalMs > (ownMs * chunks) / mine;
}

/** Calls run single-threaded after sharing first loses time; doubles on each further loss. */
const FIRST_BACKOFF = 4;
const MAX_BACKOFF = 64;

/** A fixed set of workers plus the calling thread, sharing one task slot. */
export class ThreadPool {
  /** Threads the pool was started with, the calling thread included. */
  readonly threads: number;
  private readonly ctl: Int32Array;
  private readonly workers: WorkerHandle[] = [];
  private readonly blocking: boolean;
  private failed = false;
  /** Back-off state per task size (log2 of its flops): calls left to skip, and the next skip length. */
  private readonly backoffs = new Map<number, { skip: number; next: number }>();
  /** When false, every task goes to the workers (tests set it to exercise the parallel path on busy machines). */
  adaptive = true;
  /** Chunks the workers (not the calling thread) have run, over the pool's life. */
  workerChunks = 0;

  private constructor(threads: number, busyMs: number) {
    this.threads = threads;
    this.ctl = new Int32Array(new SharedArrayBuffer(CTL.LENGTH * 4));
    this.blocking = canBlock();
    this.busyMs = busyMs;
  }

  /**
   * Starts `threads - 1` workers on `module` and `memory`, each keeping busy for `busyMs` after a task; returns
   * undefined where workers cannot be created. With several modules (the kernel builds), each worker instantiates
   * them all and runs every task on the one `build[0]` indexes when the task comes.
   */
  static start(
    threads: number,
    module: WebAssembly.Module | readonly WebAssembly.Module[],
    memory: WebAssembly.Memory,
    busyMs = DEFAULT_BUSY_MS,
    build?: Int32Array,
  ): ThreadPool | undefined {
    const pool = new ThreadPool(threads, busyMs);
    const modules = Array.isArray(module) ? module : [module];
    try {
      for (let index = 1; index < threads; index++) {
        const worker = pool.spawn();
        worker.postMessage({
          modules,
          build,
          memory,
          ctl: pool.ctl,
          index,
          spinMs: WORKER_SPIN_MS,
          yieldMs: WORKER_YIELD_MS,
          yieldEveryMs: WORKER_YIELD_EVERY_MS,
        });
        pool.workers.push(worker);
      }
    } catch {
      pool.stop();
      return undefined;
    }
    return pool;
  }

  private spawn(): WorkerHandle {
    const threadsModule = nodeBuiltin<{ Worker: NodeWorkerCtor }>('node:worker_threads');
    if (threadsModule) {
      const worker = new threadsModule.Worker(new URL(`data:text/javascript,${encodeURIComponent(NODE_WORKER_SOURCE)}`));
      // Idle workers must not keep Node alive; a crashed worker turns the pool off instead of crashing the process.
      worker.unref();
      worker.on('error', () => {
        this.failed = true;
      });
      return worker;
    }
    const WebWorker = (globalThis as { Worker?: new (url: string) => WorkerHandle }).Worker;
    if (!WebWorker) throw new Error('no Worker constructor');
    const url = URL.createObjectURL(new Blob([BROWSER_WORKER_SOURCE], { type: 'text/javascript' }));
    return new WebWorker(url);
  }

  /** Milliseconds after a task for which an idle worker keeps busy before it sleeps (workers see a change at once). */
  get busyMs(): number {
    return Atomics.load(this.ctl, CTL.BUSY_US) / 1000;
  }

  set busyMs(ms: number) {
    Atomics.store(this.ctl, CTL.BUSY_US, Math.round(ms * 1000));
    // A sleeping worker does not need waking for this: it sleeps until the next task either way.
  }

  /** Workers that have instantiated the module and take part in tasks. */
  get readyWorkers(): number {
    return Atomics.load(this.ctl, CTL.READY);
  }

  /** False once a worker has crashed; callers then run single-threaded. */
  get healthy(): boolean {
    return !this.failed;
  }

  /**
   * Whether the next task should go to the workers. False for a while after sharing a task cost time (see
   * {@link sharingLost}: on a machine busy with other work a worker may sit descheduled holding a chunk); then the
   * pool tries again. Tracked per task size, given in flops.
   */
  take(flops: number): boolean {
    const state = this.backoffs.get(Math.floor(Math.log2(flops)));
    if (!state || state.skip === 0 || !this.adaptive) return true;
    state.skip--;
    return false;
  }

  /**
   * Wakes sleeping workers so that they busy-wait for a task about to be posted. A kernel calls it before copying
   * its inputs in: waking a worker whose core sat idle can take milliseconds on a virtual machine (0.7–4 ms measured
   * here after 60 ms idle, against 0.1 ms for a spinning worker), and this way that overlaps the copies.
   */
  wake(): void {
    Atomics.notify(this.ctl, CTL.GEN);
  }

  /**
   * Publishes the task at `task` (fields written by `fill`), runs it on every thread, and returns when all its
   * chunks are done. `i32` views wasm memory; `flops` is the task's size for {@link take}. `meanwhile`, if given,
   * runs on the calling thread after the workers are woken and before it takes chunks: JS-side work (such as
   * touching the pages of a result array) that the workers' chunks then overlap, as they claim more of the task.
   * `units` is how many units of work the task holds, as `runTask` counts them (default: its chunks).
   */
  run(runner: TaskRunner, i32: Int32Array, task: number, fill: () => void, flops: number, meanwhile?: () => void, units?: number): void {
    const ctl = this.ctl;
    const tag = (Atomics.load(ctl, CTL.GEN) + 1) % TAG_MODULUS;
    publish(i32, task, tag, fill);
    const chunks = i32[(task + 4) >>> 2];
    const work = units ?? chunks;
    const t0 = performance.now();
    Atomics.store(ctl, CTL.TASK, task);
    Atomics.add(ctl, CTL.GEN, 1);
    Atomics.notify(ctl, CTL.GEN);
    meanwhile?.();
    const mine = runner.runTask(task, 0, tag);
    const t1 = performance.now();
    // Every chunk is claimed by now; wait for the ones workers are still running (spin, then sleep on `done`).
    const done = (task + 12) >>> 2;
    for (let spins = 0; ; spins++) {
      const finished = Atomics.load(i32, done);
      if (finished >= chunks) break;
      if (spins > POSTER_SPIN && this.blocking) Atomics.wait(i32, done, finished, 1);
    }
    this.workerChunks += work - mine;
    const key = Math.floor(Math.log2(flops));
    let state = this.backoffs.get(key);
    if (sharingLost(performance.now() - t0, t1 - t0, work, mine)) {
      state ??= { skip: 0, next: FIRST_BACKOFF };
      state.skip = state.next;
      state.next = Math.min(2 * state.next, MAX_BACKOFF);
      this.backoffs.set(key, state);
    } else if (state) state.next = FIRST_BACKOFF;
  }

  /** Asks every worker to exit and terminates it. */
  stop(): void {
    Atomics.store(this.ctl, CTL.STOP, 1);
    Atomics.add(this.ctl, CTL.GEN, 1);
    Atomics.notify(this.ctl, CTL.GEN);
    for (const worker of this.workers) void worker.terminate();
    this.workers.length = 0;
  }
}
