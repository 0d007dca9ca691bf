// The inlined worker scripts: both variants instantiate the kernels on the shared memory, report ready and exit
// on STOP. The browser variant runs here under a worker_threads shim for `self.onmessage`.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { kernelBytes } from '../src/module-bytes.js';
import { BROWSER_WORKER_SOURCE, CTL, NODE_WORKER_SOURCE, TAG_MODULUS } from '../src/worker-source.js';

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

/**
 * Posts, as ThreadPool does, a task of a kind with no work per chunk at `task` (whoever claims a chunk just counts
 * it done; see assembly/task.ts), with `chunks` chunks and its done counter reset.
 */
function postNoWorkTask(i32: Int32Array, ctl: Int32Array, task: number, chunks: number): void {
  const tag = (Atomics.load(ctl, CTL.GEN) + 1) % TAG_MODULUS;
  i32[task >>> 2] = 99;
  i32[(task + 4) >>> 2] = chunks;
  i32[(task + 12) >>> 2] = 0;
  i32[(task + 84) >>> 2] = 2;
  Atomics.store(i32, (task + 8) >>> 2, tag << 16);
  Atomics.store(ctl, CTL.TASK, task);
  Atomics.add(ctl, CTL.GEN, 1);
  Atomics.notify(ctl, CTL.GEN);
}

/** Asks the workers on `ctl` to exit (the loop returns on STOP). */
function stopWorkers(ctl: Int32Array): void {
  Atomics.store(ctl, CTL.STOP, 1);
  Atomics.add(ctl, CTL.GEN, 1);
  Atomics.notify(ctl, CTL.GEN);
}

/** Byte address the stand-in module of the multi-build test writes to. */
const MARK = 2048;

// (module (import "env" "memory" (memory 1 65536 shared))
//   (func (export "runTask") (param i32 i32 i32) (result i32) (i32.store (i32.const 2048) (i32.const 7)) (i32.const 0)))
const MARKER_MODULE = (() => {
  const name = (s: string): number[] => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
  const section = (id: number, content: number[]): number[] => [id, content.length, ...content];
  const body = [0x00, 0x41, 0x80, 0x10, 0x41, 0x07, 0x36, 0x02, 0x00, 0x41, 0x00, 0x0b];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [0x01, 0x60, 0x03, 0x7f, 0x7f, 0x7f, 0x01, 0x7f]),
    ...section(2, [0x01, ...name('env'), ...name('memory'), 0x02, 0x03, 0x01, 0x80, 0x80, 0x04]),
    ...section(3, [0x01, 0x00]),
    ...section(7, [0x01, ...name('runTask'), 0x00, 0x00]),
    ...section(10, [0x01, body.length, ...body]),
  ]);
})();

const BROWSER_SHIM = `const { parentPort } = require('node:worker_threads');
const self = { set onmessage(fn) { parentPort.once('message', (data) => fn({ data })); } };
`;

describe.each([
  ['node', () => new Worker(new URL(`data:text/javascript,${encodeURIComponent(NODE_WORKER_SOURCE)}`))],
  ['browser', () => new Worker(BROWSER_SHIM + BROWSER_WORKER_SOURCE, { eval: true })],
] as const)('%s worker script', (_, spawn) => {
  it('instantiates the kernels on the shared memory, reports ready, and exits on STOP', async () => {
    const module = new WebAssembly.Module(kernelBytes() as BufferSource);
    const memory = new WebAssembly.Memory({ initial: 32, maximum: 1024, shared: true });
    const ctl = new Int32Array(new SharedArrayBuffer(CTL.LENGTH * 4));
    const worker = spawn();
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    worker.postMessage({ module, memory, ctl, index: 1, spinMs: 0.1, yieldMs: 0.05, yieldEveryMs: 0.5 });
    await until(() => Atomics.load(ctl, CTL.READY) === 1);
    expect(Atomics.load(ctl, CTL.READY)).toBe(1);
    stopWorkers(ctl);
    // The loop returns on STOP; the worker then has nothing left to do and exits by itself.
    await expect(exited).resolves.toBe(0);
  });

  it('runs posted tasks while busy-waiting, busy with yields, and asleep, and a bare wake runs nothing', async () => {
    const module = new WebAssembly.Module(kernelBytes() as BufferSource);
    const memory = new WebAssembly.Memory({ initial: 32, maximum: 1024, shared: true });
    const ctl = new Int32Array(new SharedArrayBuffer(CTL.LENGTH * 4));
    const i32 = new Int32Array(memory.buffer);
    const worker = spawn();
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    // Busy-wait 0.1 ms, keep busy with short yields until 30 ms (CTL.BUSY_US), then sleep.
    Atomics.store(ctl, CTL.BUSY_US, 30_000);
    worker.postMessage({ module, memory, ctl, index: 1, spinMs: 0.1, yieldMs: 0.05, yieldEveryMs: 0.5 });
    await until(() => Atomics.load(ctl, CTL.READY) === 1);
    // A task of a kind with no work per chunk: whoever claims a chunk just counts it done (see assembly/task.ts).
    const TASK = 1024,
      CHUNKS = 3;
    const post = (): void => postNoWorkTask(i32, ctl, TASK, CHUNKS);
    const done = (): number => Atomics.load(i32, (TASK + 12) >>> 2);
    for (const idleMs of [0, 5, 80]) {
      await new Promise((r) => setTimeout(r, idleMs));
      post();
      await until(() => done() === CHUNKS);
      expect(done()).toBe(CHUNKS);
    }
    // A wake with no new task: the worker goes back to waiting without running anything.
    i32[(TASK + 12) >>> 2] = 0;
    Atomics.store(i32, (TASK + 8) >>> 2, 0);
    Atomics.notify(ctl, CTL.GEN);
    await new Promise((r) => setTimeout(r, 20));
    expect(done()).toBe(0);
    post();
    await until(() => done() === CHUNKS);
    expect(done()).toBe(CHUNKS);
    stopWorkers(ctl);
    await expect(exited).resolves.toBe(0);
  });

  it('given several modules (the kernel builds), runs each task on the one the shared build index names', async () => {
    const memory = new WebAssembly.Memory({ initial: 32, maximum: 1024, shared: true });
    const ctl = new Int32Array(new SharedArrayBuffer(CTL.LENGTH * 4));
    const build = new Int32Array(new SharedArrayBuffer(4));
    const i32 = new Int32Array(memory.buffer);
    const worker = spawn();
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    // Module 0: the kernels; module 1: a stand-in whose runTask only writes 7 at MARK.
    const modules = [new WebAssembly.Module(kernelBytes() as BufferSource), new WebAssembly.Module(MARKER_MODULE as BufferSource)];
    worker.postMessage({ modules, build, memory, ctl, index: 1, spinMs: 0.1, yieldMs: 0.05, yieldEveryMs: 0.5 });
    await until(() => Atomics.load(ctl, CTL.READY) === 1);
    const TASK = 1024;
    const post = (): void => postNoWorkTask(i32, ctl, TASK, 1);
    // Build 0: the kernels run the task (its one chunk done), the stand-in does not.
    post();
    await until(() => Atomics.load(i32, (TASK + 12) >>> 2) === 1);
    expect([Atomics.load(i32, (TASK + 12) >>> 2), Atomics.load(i32, MARK >>> 2)]).toEqual([1, 0]);
    // Build 1 from the next task on: the stand-in runs it, the kernels do not.
    Atomics.store(build, 0, 1);
    post();
    await until(() => Atomics.load(i32, MARK >>> 2) === 7);
    expect([Atomics.load(i32, (TASK + 12) >>> 2), Atomics.load(i32, MARK >>> 2)]).toEqual([0, 7]);
    stopWorkers(ctl);
    await expect(exited).resolves.toBe(0);
  });
});
