// The inlined worker scripts: both variants instantiate the kernels on the shared memory, report ready and exit
// on STOP. The browser variant runs here under a worker_threads shim for `self.onmessage`.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { kernelBytes } from '../src/module-bytes.js';
import { BROWSER_WORKER_SOURCE, CTL, NODE_WORKER_SOURCE } from '../src/worker-source.js';

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

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
    worker.postMessage({ module, memory, ctl, index: 1, spinMs: 0.1 });
    await until(() => Atomics.load(ctl, CTL.READY) === 1);
    expect(Atomics.load(ctl, CTL.READY)).toBe(1);
    Atomics.store(ctl, CTL.STOP, 1);
    Atomics.add(ctl, CTL.GEN, 1);
    Atomics.notify(ctl, CTL.GEN);
    // The loop returns on STOP; the worker then has nothing left to do and exits by itself.
    await expect(exited).resolves.toBe(0);
  });
});
