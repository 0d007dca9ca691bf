// The worker script, inlined as text so no extra file is fetched: it instantiates the kernels on the shared
// memory and runs whatever task the calling thread posts (see thread-pool.ts for the control protocol).

/** Indices into the control Int32Array shared by the pool and its workers. */
export const CTL = {
  /** Incremented for every posted task. */
  GEN: 0,
  /** Address of the task descriptor. */
  TASK: 1,
  /** Workers that have instantiated the module. */
  READY: 2,
  /** Non-zero asks workers to exit. */
  STOP: 3,
  /** Microseconds after its last task for which an idle worker keeps busy (with short yields) before it sleeps. */
  BUSY_US: 4,
  /** Length of the control array. */
  LENGTH: 8,
} as const;

/**
 * Task tags are the generation modulo this (16 bits, 0xffff excluded): 0xffff marks tasks the calling thread runs
 * alone, which no worker can ever hold.
 */
export const TAG_MODULUS = 0xffff;

/** Tag of a task run on the calling thread only. */
export const LOCAL_TAG = 0xffff;

// The worker body, shared by the Node and browser variants. Between tasks a worker busy-waits for `spinMs`, so that
// back-to-back tasks (a training step's matmuls, with small ops between) find it running; then, until BUSY_US after
// its last task (read from the control array, so it can change while the worker runs), keeps busy but yields its
// core for `yieldMs` (a timed wait) every `yieldEveryMs`, so that its core stays quick; then sleeps until the next
// task. A notify that wakes it early (ThreadPool.wake, before a large task's inputs are copied in) starts the
// busy-wait again.
const body = `
const GEN = ${CTL.GEN}, TASK = ${CTL.TASK}, READY = ${CTL.READY}, STOP = ${CTL.STOP}, BUSY_US = ${CTL.BUSY_US};
function start(msg) {
  const { module, memory, ctl, index, spinMs, yieldMs, yieldEveryMs } = msg;
  // One instance per kernel build (a single \`module\` is one build); \`build[0]\` says which runs each task.
  const { modules = [module], build } = msg;
  const runTasks = modules.map((m) => new WebAssembly.Instance(m, { env: { memory } }).exports.runTask);
  let seen = Atomics.load(ctl, GEN);
  Atomics.add(ctl, READY, 1);
  for (;;) {
    let spins = 0, since = performance.now(), yielded = since;
    while (Atomics.load(ctl, GEN) === seen) {
      if (Atomics.load(ctl, STOP) !== 0) return;
      // Check the clock every 64 spins.
      if ((++spins & 63) !== 0) continue;
      const now = performance.now(), idle = now - since;
      if (idle <= spinMs) continue;
      if (idle <= Atomics.load(ctl, BUSY_US) / 1000) {
        // Keep busy, but give the core up for a moment every yieldEveryMs.
        if (now - yielded < yieldEveryMs) continue;
        if (Atomics.wait(ctl, GEN, seen, yieldMs) === 'ok') since = performance.now();
        yielded = performance.now();
        continue;
      }
      Atomics.wait(ctl, GEN, seen);
      since = performance.now();
    }
    seen = Atomics.load(ctl, GEN);
    // The tag lets runTask tell this task from a later one that replaced it while this thread was not running.
    if (Atomics.load(ctl, STOP) === 0) runTasks[build ? Atomics.load(build, 0) : 0](Atomics.load(ctl, TASK), index, seen % ${TAG_MODULUS});
  }
}
`;

/** Worker module source for Node's worker_threads (loaded from a data: URL as an ES module). */
export const NODE_WORKER_SOURCE = `import { parentPort } from 'node:worker_threads';\n${body}\nparentPort.once('message', start);\n`;

/** Worker script source for browsers (loaded from a Blob URL as a classic worker). */
export const BROWSER_WORKER_SOURCE = `${body}\nself.onmessage = (event) => start(event.data);\n`;
