// Posting a whole fused LSTM/GRU sequence as one task: its record, the chunk size, and the split over threads.
//
// The record (assembly/recurrent.ts, REC_* fields) names the kernel, the sizes and the addresses; the pool's task has
// one chunk per thread, each a thread joining the sequence (assembly/task.ts, TASK_SEQUENCE). Threads then claim the
// chunks of every time step from the record's counters and wait for each other once per phase, so the calling thread
// finishes the sequence alone when no worker comes, and a single-threaded runtime (setThreads(1), or a browser page
// without cross-origin isolation) runs the same code on the calling thread.
import { runtime } from './context.js';
import { MEMORY_BOUND_MIN_BYTES } from './kernels/matmul.js';
import { TASK_PTR, writeTaskWords } from './layout.js';
import { runHere } from './thread-pool.js';

/** Task kind of assembly/task.ts for a sequence. */
const TASK_SEQUENCE = 5;

/** Sequence kinds (assembly/recurrent.ts, SEQ_*). */
export const SEQ = { lstmForward: 1, lstmBackward: 2, gruForward: 3, gruBackward: 4 } as const;

/** Byte offset of the kernel's own fields in the record (REC_ARGS). */
const REC_ARGS = 64;
/** Bytes of the header of each thread's scratch block (SCRATCH_HEADER: its range's claim counter, its packed phase). */
const SCRATCH_HEADER = 128;

function align64(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}

/**
 * Per-step products below this many flops keep the sequence on the calling thread: 2 MFLOP, about 40 µs on one core,
 * against the two cross-core hand-offs each step costs on two threads.
 */
export const STEP_PARALLEL_MIN_FLOPS = 2 * 1024 * 1024;

/** Chunks of hidden units per phase each thread should find, so that a thread that falls behind is made up for. */
const CHUNKS_PER_THREAD = 8;

/**
 * Every this many calls of a shape, the choice that measured slower runs once more, to follow changing load; seldom
 * while the pool is clearly the faster (its running time below POOL_CLEAR_LEAD of the calling thread's alone: a quiet
 * machine, where each retry of the calling thread alone is a slow call), often otherwise (other processes' load moves
 * the balance either way).
 */
const RETRY_EVERY = 8;
const RETRY_ALONE_EVERY_WHEN_CLEAR = 64;
const POOL_CLEAR_LEAD = 0.7;
/** Weight of the newest measurement in the running per-chunk times. */
const EMA_WEIGHT = 0.3;

/**
 * Running milliseconds per chunk of one kind and shape on the calling thread alone and with the pool, calls since
 * the slower choice last ran, and calls timed so far. The threads meet at every step, so a worker descheduled by
 * other processes holds everyone up; on a busy machine the calling thread alone can be faster, and this tells.
 */
export interface Timings {
  alone: number | undefined;
  pooled: number | undefined;
  calls: number;
  /** Calls of this kind and shape that have finished (see {@link recordTime}: the first is not recorded). */
  runs: number;
}
const timings = new Map<string, Timings>();

/**
 * Whether to share this call with the pool, from the running times of its kind and shape (`state`, updated).
 *
 * @example
 * ```ts
 * const state = { alone: 2, pooled: 1, calls: 0, runs: 2 };
 * choosePooled(state); // true: the pool measured faster
 * ```
 */
export function choosePooled(state: Timings): boolean {
  state.calls++;
  if (state.pooled === undefined) return true;
  if (state.alone === undefined) return false;
  const faster = state.pooled <= state.alone;
  const every = state.pooled <= POOL_CLEAR_LEAD * state.alone ? RETRY_ALONE_EVERY_WHEN_CLEAR : RETRY_EVERY;
  return state.calls % every === 0 ? !faster : faster;
}

/**
 * Folds a finished call's milliseconds per chunk into the running time of its choice (`pooled` or alone). The first
 * call of a kind and shape is not recorded: it pays one-time costs (packing W_hh into a new pinned block, growing
 * wasm memory, first touches of its pages) that made it about 1.7× slower than the next ones here, on the pool where
 * it runs, and that one slow measurement kept the next seven calls of the bench's LSTM forward on the calling thread
 * alone (at about 1.5× the pooled time) until the pool was retried.
 *
 * @example
 * ```ts
 * const state = { alone: undefined, pooled: undefined, calls: 0, runs: 0 };
 * recordTime(state, true, 3); // the first call: not recorded
 * recordTime(state, true, 2);
 * console.assert(state.pooled === 2);
 * ```
 */
export function recordTime(state: Timings, pooled: boolean, msPerChunk: number): void {
  if (state.runs++ === 0) return;
  const old = pooled ? state.pooled : state.alone;
  const next = old === undefined ? msPerChunk : old + EMA_WEIGHT * (msPerChunk - old);
  if (pooled) state.pooled = next;
  else state.alone = next;
}

/** One sequence to run: sizes, the packed recurrent weights, and the kernel's own fields in its order. */
export interface SequenceTask {
  /** One of {@link SEQ}. */
  kind: number;
  /** Steps, batch, hidden size, gates (4 LSTM, 3 GRU). */
  T: number;
  /** See {@link SequenceTask.T}. */
  B: number;
  /** See {@link SequenceTask.T}. */
  H: number;
  /** See {@link SequenceTask.T}. */
  gates: number;
  /** Steps run from T−1 down to 0. */
  reverse: boolean;
  /** Forward kinds: keep the backward workspace (every step's state, the activated gates); else states ping-pong in two rows. */
  save: boolean;
  /** Address of `B` int32 lengths, or 0. */
  lengths: number;
  /** Address of the packed W_hh (the layout the kind reads). */
  weights: number;
  /** The kernel's own fields (addresses; see assembly/lstm.ts and gru.ts). */
  fields: number[];
}

/** Hidden units per chunk for `threads` threads: a multiple of 8 (one packed panel), CHUNKS_PER_THREAD chunks each. */
export function unitsPerChunk(H: number, threads: number): number {
  const groups = Math.ceil(H / 8);
  return 8 * Math.max(1, Math.round(groups / (Math.max(threads, 2) * CHUNKS_PER_THREAD)));
}

/**
 * Runs `task` to the end, on the worker pool when its per-step product is large enough and the pool takes it, else on
 * the calling thread.
 */
export function runSequenceTask(task: SequenceTask): void {
  const rt = runtime();
  const { kind, T, B, H, gates } = task;
  const stepFlops = 2 * B * H * gates * H;
  const backward = kind === SEQ.lstmBackward || kind === SEQ.gruBackward;
  const flops = T * stepFlops;
  // A step is shared when its product is large, or when it reads a packed W_hh too large to stay in a core's cache.
  const large = stepFlops >= STEP_PARALLEL_MIN_FLOPS || 4 * gates * H * H >= MEMORY_BOUND_MIN_BYTES;
  const planned = rt.shared && rt.threadCount > 1 && large ? rt.threadCount : 1;
  const key = `${kind}:${B}:${H}:${planned}`;
  let state = timings.get(key);
  if (!state) timings.set(key, (state = { alone: undefined, pooled: undefined, calls: 0, runs: 0 }));
  let pool = planned > 1 ? rt.workerPool() : undefined;
  // With the pool's adaptivity off (tests), every sequence is shared.
  if (pool?.adaptive && (!choosePooled(state) || !pool.take(flops))) pool = undefined;
  const threads = pool ? planned : 1;
  const U = unitsPerChunk(H, threads);
  // Scratch per thread (assembly/recurrent.ts, runPhases and stepProduct): a header, the step's left operand packed
  // (⌈B/4⌉·4 rows of H floats forward, gates·H backward), then the tile: ⌈B/4⌉·4 rows of one chunk's gates·U floats.
  const rows = Math.ceil(B / 4) * 4;
  const tileAt = SCRATCH_HEADER + align64(rows * (backward ? gates * H : H) * 4);
  const stride = tileAt + align64(rows * gates * U * 4);
  const heap = rt.heap;
  const scratch = heap.alloc(threads * stride);
  // No chunk claimed and no operand packed yet (the blocks may hold headers from an earlier call).
  for (let i = 0; i < threads; i++) heap.i32.fill(0, (scratch + i * stride) >>> 2, (scratch + i * stride + SCRATCH_HEADER) >>> 2);
  const record = heap.alloc(REC_ARGS + task.fields.length * 4);
  const header = [0, 0, kind, task.save ? 1 : 0, T, B, H, U, task.reverse ? 1 : 0, task.lengths, task.weights, scratch, stride, tileAt, threads];
  const i32 = heap.i32,
    r = record >>> 2;
  i32.set(header, r);
  i32.set(task.fields, r + REC_ARGS / 4);
  // Phases: one per step forward; backward one more, the last step's recurrent product (assembly/lstm.ts).
  const units = (backward && T > 0 ? T + 1 : T) * Math.ceil(H / U);
  const fill = (share: number) => (): void => writeTaskWords(i32, TASK_SEQUENCE, share, [record], share);
  const t0 = performance.now();
  if (pool) pool.run(rt.exports, i32, TASK_PTR, fill(threads), flops, undefined, units);
  else runHere(rt.exports, i32, TASK_PTR, fill(1));
  if (planned > 1 && units > 0) recordTime(state, pool !== undefined, (performance.now() - t0) / units);
}
