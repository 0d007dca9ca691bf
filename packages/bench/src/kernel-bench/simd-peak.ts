// The machine's wasm ceiling: the peak GFLOP/s of 128-bit wasm SIMD on this CPU, measured with a loop of independent
// multiply-adds (plain mul + add, and relaxed-SIMD fused multiply-add where the engine has it) on 1 and 2 threads.
import { Worker } from 'node:worker_threads';
import type { KernelBenchRow } from './results.js';

/** Independent accumulators in the loop: enough to cover the add/FMA latency on two pipes, few enough to stay in 16 registers. */
const ACCUMULATORS = 12;
/** FLOPs of one loop iteration: every accumulator does a 4-lane multiply and add. */
const FLOPS_PER_ITERATION = ACCUMULATORS * 4 * 2;

/** The two multiply-add forms the probe times. */
export type SimdPeakKind = 'muladd' | 'fma';

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function section(id: number, body: number[]): number[] {
  return [id, ...leb(body.length), ...body];
}

function f32Const(v: number): number[] {
  return [0x43, ...new Uint8Array(Float32Array.of(v).buffer)];
}

const SIMD = 0xfd;
const F32X4_SPLAT = [SIMD, 0x13];
const F32X4_ADD = [SIMD, ...leb(0xe4)];
const F32X4_MUL = [SIMD, ...leb(0xe6)];
const F32X4_RELAXED_MADD = [SIMD, ...leb(0x105)];
const F32X4_EXTRACT_LANE_0 = [SIMD, 0x1f, 0];
const [LOCAL_GET, LOCAL_SET, LOCAL_TEE] = [0x20, 0x21, 0x22];

/**
 * The bytes of a wasm module exporting `run(iterations: i32): f32`: 12 independent f32x4 chains, each
 * `acc = acc·a + b` per iteration (`f32x4.mul` then `f32x4.add`, or one `f32x4.relaxed_madd`), summed at the end so
 * no chain is dead. The values converge to b / (1 − a), so no lane overflows or goes subnormal.
 *
 * @example
 * ```ts
 * console.assert(WebAssembly.validate(simdPeakModule('muladd')));
 * ```
 */
export function simdPeakModule(kind: SimdPeakKind): Uint8Array<ArrayBuffer> {
  const a = ACCUMULATORS + 1;
  const b = ACCUMULATORS + 2;
  const body: number[] = [1, ACCUMULATORS + 2, 0x7b]; // locals: accumulators, a and b, all v128
  body.push(...f32Const(0.999), ...F32X4_SPLAT, LOCAL_SET, a, ...f32Const(0.001), ...F32X4_SPLAT, LOCAL_SET, b);
  for (let i = 1; i <= ACCUMULATORS; i++) body.push(...f32Const(i / 100), ...F32X4_SPLAT, LOCAL_SET, i);
  body.push(0x03, 0x40); // loop
  for (let i = 1; i <= ACCUMULATORS; i++) {
    body.push(LOCAL_GET, i, LOCAL_GET, a);
    if (kind === 'fma') body.push(LOCAL_GET, b, ...F32X4_RELAXED_MADD);
    else body.push(...F32X4_MUL, LOCAL_GET, b, ...F32X4_ADD);
    body.push(LOCAL_SET, i);
  }
  // iterations -= 1; continue while non-zero
  body.push(LOCAL_GET, 0, 0x41, 1, 0x6b, LOCAL_TEE, 0, 0x0d, 0, 0x0b);
  body.push(LOCAL_GET, 1);
  for (let i = 2; i <= ACCUMULATORS; i++) body.push(LOCAL_GET, i, ...F32X4_ADD);
  body.push(...F32X4_EXTRACT_LANE_0, 0x0b);
  const name = [...'run'].map((c) => c.charCodeAt(0));
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 1, 0x7f, 1, 0x7d]), // type: (i32) -> f32
    ...section(3, [1, 0]), // one function of type 0
    ...section(7, [1, name.length, ...name, 0x00, 0]), // export "run"
    ...section(10, [1, ...leb(body.length), ...body]),
  ]);
}

// Each worker compiles the probe, runs it until the engine has tiered it up and a call takes about `targetMs`, then
// times one call per round when the main thread raises the round counter in the shared flag.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { bytes, targetMs, rounds, flag } = workerData;
const run = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.run;
let iterations = 1 << 16;
for (let i = 0; i < 200; i++) {
  const t0 = performance.now();
  run(iterations);
  const ms = performance.now() - t0;
  if (i >= 20 && ms > targetMs / 4) break;
  if (ms < targetMs / 4) iterations *= 2;
}
const t0 = performance.now();
run(iterations);
iterations = Math.max(1, Math.round((iterations * targetMs) / Math.max(1e-3, performance.now() - t0)));
const counter = new Int32Array(flag);
parentPort.postMessage({ ready: true });
for (let round = 1; round <= rounds; round++) {
  Atomics.wait(counter, 0, round - 1);
  const start = performance.now();
  run(iterations);
  parentPort.postMessage({ round, ms: performance.now() - start, iterations });
}
`;

/** Options of {@link measureSimdPeak}. */
export interface SimdPeakOptions {
  /** Thread counts to measure at; default [1, 2]. */
  readonly threads?: readonly number[];
  /** Timed rounds per thread count (the best is kept); default 5. */
  readonly rounds?: number;
  /** Milliseconds one timed call should take; default 100. */
  readonly targetMs?: number;
}

interface RoundResult {
  readonly round: number;
  readonly ms: number;
  readonly iterations: number;
}

/** The best round of `threads` workers running the probe at once: aggregate GFLOP/s and the slowest thread's ms. */
async function peakOnThreads(bytes: Uint8Array<ArrayBuffer>, threads: number, rounds: number, targetMs: number): Promise<{ gflops: number; ms: number }> {
  const flag = new SharedArrayBuffer(4);
  const counter = new Int32Array(flag);
  const results: RoundResult[][] = [];
  const workers = Array.from({ length: threads }, () => new Worker(WORKER_SOURCE, { eval: true, workerData: { bytes, targetMs, rounds, flag } }));
  try {
    // A worker that fails before or during the rounds ends the measurement with its error instead of a wait forever.
    let failure: unknown;
    const readiness = workers.map((w, k) => {
      results[k] = [];
      return new Promise<void>((resolve, reject) => {
        w.on('error', (error) => {
          failure ??= error;
          reject(error);
        });
        w.on('message', (m: { ready?: boolean } & RoundResult) => (m.ready === true ? resolve() : results[k].push(m)));
      });
    });
    await Promise.all(readiness);
    let best = { gflops: 0, ms: 0 };
    for (let round = 1; round <= rounds; round++) {
      Atomics.store(counter, 0, round);
      Atomics.notify(counter, 0);
      while (results.some((r) => r.length < round)) {
        if (failure !== undefined) throw failure;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      // Aggregate rate: all threads' work over the slowest thread's time.
      const mine = results.map((r) => r[round - 1]);
      const flops = mine.reduce((sum, r) => sum + r.iterations * FLOPS_PER_ITERATION, 0);
      const ms = Math.max(...mine.map((r) => r.ms));
      if (flops / (ms * 1e6) > best.gflops) best = { gflops: flops / (ms * 1e6), ms };
    }
    return best;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/**
 * Measures the peak GFLOP/s of 128-bit wasm SIMD on this machine: {@link simdPeakModule}'s loop on 1 and 2 worker
 * threads at once, plain multiply + add and (where the engine validates relaxed SIMD: browsers, Node 22+, or Node 20
 * with `--experimental-wasm-relaxed-simd`) fused multiply-add. One row per form and thread count (`library` `wasm`,
 * `backend` `simd128`, case `simd-peak-muladd` or `simd-peak-fma`, size 128, the vector width in bits). No kernel can
 * beat this rate: it is the ceiling the matmul and model rows are measured against.
 *
 * @example
 * ```ts
 * const rows = await measureSimdPeak({ threads: [1], rounds: 1, targetMs: 20 });
 * console.log(rows.map((r) => `${r.case} ×${r.threads}: ${r.gflops?.toFixed(1)} GFLOP/s`).join('\n'));
 * ```
 */
export async function measureSimdPeak(options: SimdPeakOptions = {}): Promise<KernelBenchRow[]> {
  const threads = options.threads ?? [1, 2];
  const rounds = options.rounds ?? 5;
  const targetMs = options.targetMs ?? 100;
  const rows: KernelBenchRow[] = [];
  for (const kind of ['muladd', 'fma'] as const) {
    const bytes = simdPeakModule(kind);
    const supported = WebAssembly.validate(bytes);
    for (const n of threads) {
      const row = { library: 'wasm', backend: 'simd128', threads: n, case: `simd-peak-${kind}`, size: 128, runs: rounds };
      if (!supported) {
        const note = 'relaxed SIMD not available in this engine (Node 20 needs --experimental-wasm-relaxed-simd)';
        rows.push({ ...row, gflops: null, medianMs: null, note });
        continue;
      }
      const best = await peakOnThreads(bytes, n, rounds, targetMs);
      rows.push({ ...row, gflops: best.gflops, medianMs: best.ms, note: null });
    }
  }
  return rows;
}
