// Parallel tasks: a task descriptor in shared memory whose chunks every thread claims with an atomic counter.
//
// The calling thread and each worker run `runTask` on the same descriptor. Chunks are claimed by compare-and-swap
// on one word holding the task's 16-bit tag and the next chunk index, so a worker that wakes late (or for a task
// already replaced) finds a foreign tag or no chunk left and returns without touching anything: the poster never
// waits for a worker that has not started. Layout (i32 fields, byte offsets) is shared with src/kernels/matmul.ts:
// 0 kind, 4 chunks, 8 claim (tag << 16 | next), 12 done, 84 threads (scratch slots), then the kind's arguments.
// TASK_MATMUL_PACKED also uses 88–103 (see packedMatmulChunk); both matmul kinds read their tile epilogue (Linear's
// bias and ReLU, see linear.ts) at 104 (bias address, 0 for none) and 108 (flags).
import { attentionBackwardF32, attentionForwardF32 } from './attention';
import { rowDots } from './gemv';
import { geluBackwardF32, geluF32 } from './unary';
import { biasActivationTile } from './linear';
import { matmulTile, matmulTileFromPacked, packColumnsWhole, packRowsWhole } from './matmul';
import { sequenceTask } from './sequence-task';

/** Task kind: a batch of float32 matmul tiles. */
export const TASK_MATMUL = 1;

/** Task kinds: fused attention forward / backward over (batch, head) pairs (see attention.ts). */
export const TASK_ATTENTION_FORWARD = 2;
export const TASK_ATTENTION_BACKWARD = 3;

/**
 * Task kind: one float32 matmul whose operands are first packed whole (chunks that pack row groups of op(A), then
 * column groups of op(B)), then multiplied tile by tile from the packed copies.
 */
export const TASK_MATMUL_PACKED = 4;

/**
 * Task kind: a fused LSTM/GRU sequence (field 16: its record, see recurrent.ts). Each chunk is one thread joining;
 * the threads then split the time steps' work among themselves, and a chunk counts the units of work its thread ran.
 */
export const TASK_SEQUENCE = 5;

/**
 * Task kind: dot products of contiguous matrix rows with one vector (gemv.ts's rowDots), a block of rows per chunk.
 * Fields: 16 matrix, 20 vector, 24 out, 28 rows, 32 k (row length), 36 rows per chunk.
 */
export const TASK_ROW_DOTS = 6;

/**
 * Task kind: GELU or its gradient over contiguous float32 elements (unary.ts's geluF32 / geluBackwardF32), a block of
 * elements per chunk. Fields: 16 x, 20 out, 24 n, 28 elements per chunk (a multiple of 4), 32 non-zero for the tanh
 * form, 36 the output gradient dy for the gradient (0 for GELU itself).
 */
export const TASK_GELU = 7;

/** Byte size of a task descriptor. */
export const TASK_BYTES = 112;

/**
 * Claims chunks of the task tagged `tag` until none is left and returns how many units of work this thread ran (tiles,
 * attention pairs or sequence chunks: a packing chunk of TASK_MATMUL_PACKED counts for none); each finished chunk bumps `done`, which
 * the poster waits on. Chunk indices are below 65535.
 */
export function runTask(task: usize, thread: i32, tag: i32): i32 {
  const kind = load<i32>(task);
  let ran = 0;
  for (;;) {
    const word = atomic.load<i32>(task + 8);
    if (<i32>(<u32>word >>> 16) != (tag & 0xffff)) break;
    const chunk = word & 0xffff;
    // Only threads with a scratch slot take part (a worker beyond the configured count sits the task out).
    if (chunk >= atomic.load<i32>(task + 4) || thread >= atomic.load<i32>(task + 84)) break;
    if (atomic.cmpxchg<i32>(task + 8, word, word + 1) != word) continue;
    let units = 1;
    if (kind == TASK_MATMUL) matmulChunk(task, chunk, thread);
    else if (kind == TASK_MATMUL_PACKED) units = packedMatmulChunk(task, chunk, thread) ? 1 : 0;
    else if (kind == TASK_SEQUENCE) units = sequenceTask(<usize>load<i32>(task, 16), thread);
    else if (kind == TASK_ROW_DOTS) rowDotsChunk(task, chunk);
    else if (kind == TASK_GELU) geluChunk(task, chunk);
    else attentionChunk(task, kind, chunk, thread);
    atomic.add<i32>(task + 12, 1);
    atomic.notify(task + 12);
    ran += units;
  }
  return ran;
}

// One block of rows of a TASK_ROW_DOTS task. Each row's dot product is computed alone, so the split changes no bits.
function rowDotsChunk(task: usize, chunk: i32): void {
  const rows = load<i32>(task, 28), k = load<i32>(task, 32), per = load<i32>(task, 36);
  const r0 = chunk * per;
  rowDots(<usize>load<i32>(task, 16) + (<usize>r0 * <usize>k << 2), <usize>load<i32>(task, 20), <usize>load<i32>(task, 24) + (<usize>r0 << 2), min(per, rows - r0), k);
}

// One block of elements of a TASK_GELU task. Each element is computed alone (the tail of the last block on one lane of
// the same formulas), so the split changes no bits.
function geluChunk(task: usize, chunk: i32): void {
  const n = load<i32>(task, 24), per = load<i32>(task, 28);
  const i0 = chunk * per, at = <usize>i0 << 2;
  const x = <usize>load<i32>(task, 16) + at, out = <usize>load<i32>(task, 20) + at, dy = <usize>load<i32>(task, 36);
  const count = min(per, n - i0), tanh = load<i32>(task, 32) != 0;
  if (dy == 0) geluF32(x, out, count, tanh);
  else geluBackwardF32(dy + at, x, out, count, tanh);
}

// Chunk → (batch, tile row, tile column); the per-batch operand offsets come from tables built by the caller.
function matmulChunk(task: usize, chunk: i32, thread: i32): void {
  const m = load<i32>(task, 28), n = load<i32>(task, 32), k = load<i32>(task, 36);
  const tileRows = load<i32>(task, 48), tileCols = load<i32>(task, 52);
  const tilesM = load<i32>(task, 56), tilesN = load<i32>(task, 60);
  const perBatch = tilesM * tilesN;
  const local = chunk / perBatch;
  const t = chunk - local * perBatch;
  const batch = load<i32>(task, 80) + local;
  const ti = t / tilesN, tj = t - ti * tilesN;
  const aOffsets = <usize>load<i32>(task, 64), bOffsets = <usize>load<i32>(task, 68);
  const aOff = aOffsets == 0 ? 0 : <usize>load<i32>(aOffsets + (<usize>batch << 2));
  const bOff = bOffsets == 0 ? 0 : <usize>load<i32>(bOffsets + (<usize>batch << 2));
  const cOff = <usize>batch * <usize>m * <usize>n << 2;
  const i0 = ti * tileRows, j0 = tj * tileCols;
  const scratch = <usize>load<i32>(task, 72) + <usize>thread * <usize>load<i32>(task, 76);
  matmulTile(
    <usize>load<i32>(task, 16) + aOff, <usize>load<i32>(task, 20) + bOff, <usize>load<i32>(task, 24) + cOff,
    m, n, k, load<i32>(task, 40) != 0, load<i32>(task, 44) != 0,
    i0, min(tileRows, m - i0), j0, min(tileCols, n - j0), scratch,
  );
  tileEpilogue(task, <usize>load<i32>(task, 24) + cOff, n, i0, min(tileRows, m - i0), j0, min(tileCols, n - j0));
}

// Applies the task's epilogue (fields 104 bias, 108 flags) to a finished tile of C, while it is in this core's cache.
@inline
function tileEpilogue(task: usize, c: usize, n: i32, i0: i32, rows: i32, j0: i32, cols: i32): void {
  const bias = <usize>load<i32>(task, 104), flags = load<i32>(task, 108);
  if (bias != 0 || flags != 0) biasActivationTile(c, n, i0, rows, j0, cols, bias, flags);
}

// Fields as TASK_MATMUL's (16 a, 20 b, 24 c, 28 m, 32 n, 36 k, 40 transA, 44 transB, 48 tile rows, 52 tile columns,
// 56 tiles down, 60 tiles across, 72 scratch, 76 its stride per thread), and 64 packed A, 68 packed B, 80 chunks
// packing A, 88 chunks packing B, 92 packing chunks done, 96 rows per A chunk, 100 columns per B chunk. Chunks are
// claimed in order, so every packing chunk is taken before the first tile; a thread that takes a tile waits for the
// packing still running on other threads.
// Returns whether the chunk was a tile (packing chunks are not units of work).
function packedMatmulChunk(task: usize, chunk: i32, thread: i32): bool {
  const m = load<i32>(task, 28), n = load<i32>(task, 32), k = load<i32>(task, 36);
  const packedA = <usize>load<i32>(task, 64), packedB = <usize>load<i32>(task, 68);
  const chunksA = load<i32>(task, 80), chunksB = load<i32>(task, 88);
  if (chunk < chunksA) {
    const per = load<i32>(task, 96), i0 = chunk * per;
    packRowsWhole(<usize>load<i32>(task, 16), m, k, load<i32>(task, 40) != 0, i0, min(per, m - i0), packedA);
    atomic.add<i32>(task + 92, 1);
    return false;
  }
  if (chunk < chunksA + chunksB) {
    const per = load<i32>(task, 100), j0 = (chunk - chunksA) * per;
    packColumnsWhole(<usize>load<i32>(task, 20), n, k, load<i32>(task, 44) != 0, j0, min(per, n - j0), packedB);
    atomic.add<i32>(task + 92, 1);
    return false;
  }
  while (atomic.load<i32>(task + 92) < chunksA + chunksB) {}
  const t = chunk - chunksA - chunksB;
  const tilesN = load<i32>(task, 60);
  const ti = t / tilesN, tj = t - ti * tilesN;
  const tileRows = load<i32>(task, 48), tileCols = load<i32>(task, 52);
  const i0 = ti * tileRows, j0 = tj * tileCols;
  const edge = <usize>load<i32>(task, 72) + <usize>thread * <usize>load<i32>(task, 76);
  const c = <usize>load<i32>(task, 24), rows = min(tileRows, m - i0), cols = min(tileCols, n - j0);
  matmulTileFromPacked(packedA, packedB, c, m, n, k, i0, rows, j0, cols, edge);
  tileEpilogue(task, c, n, i0, rows, j0, cols);
  return true;
}

// Attention fields: 16 problem record, 20 pairs per chunk, 24 pairs in all.
function attentionChunk(task: usize, kind: i32, chunk: i32, thread: i32): void {
  const rec = <usize>load<i32>(task, 16), per = load<i32>(task, 20), total = load<i32>(task, 24);
  const first = chunk * per, count = min(per, total - first);
  if (kind == TASK_ATTENTION_FORWARD) attentionForwardF32(rec, first, count, thread);
  else if (kind == TASK_ATTENTION_BACKWARD) attentionBackwardF32(rec, first, count, thread);
}
