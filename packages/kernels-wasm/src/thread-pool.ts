// Worker threads over the shared wasm memory: posting a task, running a share of it here, and waiting for the rest.
//
// Protocol (indices in CTL): the poster writes the descriptor, stores its address in TASK, bumps GEN and notifies.
// Each worker bumps INSIDE, runs the task unless CLOSED already names this generation, and drops INSIDE. The poster
// runs the task too; when every chunk is done it stores CLOSED = GEN and waits for INSIDE = 0, after which no
// worker can touch the descriptor again. A worker the OS never scheduled costs nothing: the poster claims its chunks.
import { canBlock, nodeBuiltin } from './features.js';
import { BROWSER_WORKER_SOURCE, CTL, NODE_WORKER_SOURCE } from './worker-source.js';

/** Milliseconds a worker busy-waits for the next task before sleeping. */
const WORKER_SPIN_MS = 0.3;
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
  /** Runs chunks of the task until none is left; returns how many this thread ran. */
  runTask(task: number, thread: number): number;
}

/** Calls run single-threaded after workers first prove late; doubles on each further miss. */
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

  private constructor(threads: number) {
    this.threads = threads;
    this.ctl = new Int32Array(new SharedArrayBuffer(CTL.LENGTH * 4));
    this.ctl[CTL.ACTIVE] = threads;
    this.blocking = canBlock();
  }

  /** Limits tasks to the calling thread and the first `n - 1` workers (n ≤ {@link threads}). */
  setActive(n: number): void {
    Atomics.store(this.ctl, CTL.ACTIVE, Math.min(n, this.threads));
  }

  /** Starts `threads - 1` workers on `module` and `memory`; returns undefined where workers cannot be created. */
  static start(threads: number, module: WebAssembly.Module, memory: WebAssembly.Memory): ThreadPool | undefined {
    const pool = new ThreadPool(threads);
    try {
      for (let index = 1; index < threads; index++) {
        const worker = pool.spawn();
        worker.postMessage({ module, memory, ctl: pool.ctl, index, spinMs: WORKER_SPIN_MS });
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

  /** Workers that have instantiated the module and take part in tasks. */
  get readyWorkers(): number {
    return Atomics.load(this.ctl, CTL.READY);
  }

  /** False once a worker has crashed; callers then run single-threaded. */
  get healthy(): boolean {
    return !this.failed;
  }

  /**
   * Whether the next task should go to the workers. False for a while after workers turned out not to help (on a
   * machine busy with other work a worker may sit descheduled holding a chunk, and for small tasks waking a worker
   * can cost more than it saves); then the pool tries again. Tracked per task size, given in flops.
   */
  take(flops: number): boolean {
    const state = this.backoffs.get(Math.floor(Math.log2(flops)));
    if (!state || state.skip === 0 || !this.adaptive) return true;
    state.skip--;
    return false;
  }

  /**
   * Runs the task at `task` on every thread and returns when all its chunks are done. `done` reads the task's
   * finished-chunk counter, `chunks` is its chunk count and `flops` its size for {@link take}.
   */
  run(runner: TaskRunner, task: number, chunks: number, done: () => number, flops: number): void {
    const ctl = this.ctl;
    const t0 = performance.now();
    Atomics.store(ctl, CTL.TASK, task);
    const gen = Atomics.add(ctl, CTL.GEN, 1) + 1;
    Atomics.notify(ctl, CTL.GEN);
    const mine = runner.runTask(task, 0);
    const t1 = performance.now();
    let spins = 0;
    while (done() < chunks) spins = this.pause(spins);
    Atomics.store(ctl, CTL.CLOSED, gen);
    spins = 0;
    while (Atomics.load(ctl, CTL.INSIDE) !== 0) spins = this.pause(spins);
    this.workerChunks += chunks - mine;
    // This thread alone would have needed about (t1 - t0) · chunks / mine; if sharing saved under 10%, back off.
    const key = Math.floor(Math.log2(flops));
    let state = this.backoffs.get(key);
    if (mine > 0 && performance.now() - t0 > 0.9 * ((t1 - t0) * chunks) / mine) {
      state ??= { skip: 0, next: FIRST_BACKOFF };
      state.skip = state.next;
      state.next = Math.min(2 * state.next, MAX_BACKOFF);
      this.backoffs.set(key, state);
    } else if (state) state.next = FIRST_BACKOFF;
  }

  // One step of waiting for workers: spin a little, then sleep up to a millisecond until INSIDE changes.
  private pause(spins: number): number {
    if (spins < POSTER_SPIN || !this.blocking) return spins + 1;
    const inside = Atomics.load(this.ctl, CTL.INSIDE);
    if (inside !== 0) Atomics.wait(this.ctl, CTL.INSIDE, inside, 1);
    return spins + 1;
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
