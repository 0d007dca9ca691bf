// wasm matmul kernel: batch offsets with broadcasting, tile choice, and the split across threads.
import { sizeOf, type Kernels, type Shape, type TensorInfo } from '@seqlab/tensor-core';
import { runBlocks } from '../block-task.js';
import { allocFor, ptr, runtime } from '../context.js';
import { broadcastStridesOf } from '../dims.js';
import { TASK_PTR } from '../layout.js';
import { runHere, type ThreadPool } from '../thread-pool.js';
import { recycler, uninitialisedArray } from '../recycler.js';
import { MAX_TILE } from '../runtime.js';

/** Task kinds of assembly/task.ts: a float32 matmul packing per tile, and one packing its operands whole first. */
const TASK_MATMUL = 1;
const TASK_MATMUL_PACKED = 4;
/** Task kind of assembly/task.ts: dot products of a matrix's rows with one vector, a block of rows per chunk. */
const TASK_ROW_DOTS = 6;
/** Rows per TASK_ROW_DOTS chunk (a multiple of rowDots' four-row block). */
const ROW_DOTS_CHUNK = 64;
/**
 * Weights this large (bytes) do not stay in one core's L2 from one use to the next (generation reads every weight once
 * per token), so a product that reads them once per call (a matrix-vector product, a recurrent step at batch 1) waits
 * on memory, and two cores each reading half finish in about half the time: such products are split across the
 * threads whatever their flops.
 */
export const MEMORY_BOUND_MIN_BYTES = 512 * 1024;
/** Whole packed copies of op(A) and op(B) larger than this (bytes) are not made: such products pack per tile. */
const PACKED_MAX_BYTES = 64 * 1024 * 1024;
/** Rows of op(A) per packing chunk (a multiple of 4), and columns of op(B) (a multiple of 8). */
const PACK_ROWS = 64;
const PACK_COLS = 64;
/** Most chunks one task may have (its claim word counts them in 16 bits, 0xffff meaning locked). */
const MAX_CHUNKS = 0xfffe;
/**
 * Below this many flops a matmul stays on the calling thread: 2·160³, about 0.25 ms on one core. Smaller products
 * gain little from a second thread once waking a sleeping worker (tens to hundreds of microseconds) is paid.
 */
export const PARALLEL_MIN_FLOPS = 2 * 160 * 160 * 160;

/** Fields every float32 matmul task has; addresses are byte addresses in wasm memory. */
interface ProductTask {
  /** Chunks the task holds. */
  chunks: number;
  /** A, B and C. */
  a: number;
  /** See {@link ProductTask.a}. */
  b: number;
  /** See {@link ProductTask.a}. */
  c: number;
  /** Rows of op(A) and C. */
  m: number;
  /** Columns of op(B) and C. */
  n: number;
  /** The shared dimension. */
  k: number;
  /** A is stored `[k, m]`. */
  transA: boolean;
  /** B is stored `[n, k]`. */
  transB: boolean;
  /** Tile rows, from {@link chooseTiles}. */
  tileRows: number;
  /** Tile columns, from {@link chooseTiles}. */
  tileCols: number;
  /** Tiles down C. */
  tilesM: number;
  /** Tiles across C. */
  tilesN: number;
  /** Address of the per-thread scratch, `scratchStride` bytes per thread. */
  scratch: number;
  /** Bytes of scratch per thread. */
  scratchStride: number;
  /** Threads taking part. */
  threads: number;
  /** Address of a bias row added to every row of C as its tiles are stored (0: none); see assembly/linear.ts. */
  bias: number;
  /** Epilogue flags of assembly/linear.ts (EPILOGUE_RELU), applied as C's tiles are stored. */
  epilogue: number;
}

/** A float32 matmul task that packs per tile (assembly/task.ts's TASK_MATMUL). */
export interface MatmulTask extends ProductTask {
  /** Byte offsets of each batch's A (an i32 table), or 0 for one matrix. */
  aOffsets: number;
  /** Byte offsets of each batch's B, or 0. */
  bOffsets: number;
  /** First batch of this task. */
  first: number;
}

/** A float32 matmul whose operands are packed whole first (assembly/task.ts's TASK_MATMUL_PACKED). */
interface PackedMatmulTask extends ProductTask {
  /** Where op(A) and op(B) are packed. */
  packedA: number;
  /** See {@link PackedMatmulTask.packedA}. */
  packedB: number;
  /** Chunks that pack row groups of op(A), and column groups of op(B). */
  chunksA: number;
  /** See {@link PackedMatmulTask.chunksA}. */
  chunksB: number;
  /** Rows per A chunk, columns per B chunk. */
  packRows: number;
  /** See {@link PackedMatmulTask.packRows}. */
  packCols: number;
}

// Descriptor word (i32 index from TASK_PTR) of each field, in assembly/task.ts's layout.
const PRODUCT_WORDS: readonly (readonly [number, keyof ProductTask])[] = [
  [1, 'chunks'],
  [4, 'a'],
  [5, 'b'],
  [6, 'c'],
  [7, 'm'],
  [8, 'n'],
  [9, 'k'],
  [10, 'transA'],
  [11, 'transB'],
  [12, 'tileRows'],
  [13, 'tileCols'],
  [14, 'tilesM'],
  [15, 'tilesN'],
  [18, 'scratch'],
  [19, 'scratchStride'],
  [21, 'threads'],
  [26, 'bias'],
  [27, 'epilogue'],
];
const MATMUL_WORDS: readonly (readonly [number, keyof MatmulTask])[] = [
  [16, 'aOffsets'],
  [17, 'bOffsets'],
  [20, 'first'],
];
const PACKED_WORDS: readonly (readonly [number, keyof PackedMatmulTask])[] = [
  [16, 'packedA'],
  [17, 'packedB'],
  [20, 'chunksA'],
  [22, 'chunksB'],
  [24, 'packRows'],
  [25, 'packCols'],
];

// Writes `task`'s fields listed in `words` into the descriptor at TASK_PTR (booleans as 0 / 1).
function writeWords<T>(i32: Int32Array, task: T, words: readonly (readonly [number, keyof T])[]): void {
  const t = TASK_PTR >>> 2;
  for (const [word, key] of words) {
    const value = task[key] as number | boolean;
    i32[t + word] = typeof value === 'boolean' ? Number(value) : value;
  }
}

// Writes a task of `kind` into the descriptor at TASK_PTR: the shared fields, then the kind's own.
function writeTask<T extends ProductTask>(i32: Int32Array, kind: number, task: T, own: readonly (readonly [number, keyof T])[]): void {
  i32[TASK_PTR >>> 2] = kind;
  writeWords<ProductTask>(i32, task, PRODUCT_WORDS);
  writeWords(i32, task, own);
}

/** Writes `task` into the task descriptor at TASK_PTR, in assembly/task.ts's field order. */
export function writeMatmulTask(i32: Int32Array, task: MatmulTask): void {
  writeTask(i32, TASK_MATMUL, task, MATMUL_WORDS);
}

function writePackedMatmulTask(i32: Int32Array, task: PackedMatmulTask): void {
  writeTask(i32, TASK_MATMUL_PACKED, task, PACKED_WORDS);
  // Packing chunks finished so far.
  i32[(TASK_PTR >>> 2) + 23] = 0;
}

const roundUp = (v: number, to: number): number => Math.ceil(v / to) * to;

/**
 * Tile rows and columns: as large as {@link MAX_TILE} (packing cost shrinks with tile size) but small enough that
 * every thread gets about `tilesPerThread` tiles (more tiles balance the threads better when one of them starts late
 * or has other work).
 */
export function chooseTiles(m: number, n: number, batch: number, threads: number, tilesPerThread = 2): [rows: number, cols: number] {
  let rows = Math.min(roundUp(Math.max(m, 1), 4), MAX_TILE);
  let cols = Math.min(roundUp(Math.max(n, 1), 8), MAX_TILE);
  if (threads > 1) {
    const want = tilesPerThread * threads;
    while (batch * Math.ceil(m / rows) * Math.ceil(n / cols) < want) {
      if (cols >= rows && cols > 16) cols = roundUp(cols / 2, 8);
      else if (rows > 8) rows = roundUp(rows / 2, 4);
      else break;
    }
  }
  return [rows, cols];
}

// Byte offsets of each output batch's A and B matrices (batch dims broadcast), or null for a single matrix.
function batchOffsets(aBatch: Shape, bBatch: Shape, outBatch: Shape, aMatrix: number, bMatrix: number): [Int32Array, Int32Array] | null {
  const count = sizeOf(outBatch);
  if (count <= 1) return null;
  const sa = broadcastStridesOf(aBatch, outBatch),
    sb = broadcastStridesOf(bBatch, outBatch);
  const aOff = new Int32Array(count),
    bOff = new Int32Array(count);
  const idx = new Array<number>(outBatch.length).fill(0);
  for (let i = 0; i < count; i++) {
    let oa = 0,
      ob = 0;
    for (let d = 0; d < outBatch.length; d++) {
      oa += idx[d] * sa[d];
      ob += idx[d] * sb[d];
    }
    aOff[i] = oa * aMatrix * 4;
    bOff[i] = ob * bMatrix * 4;
    for (let d = outBatch.length - 1; d >= 0; d--) {
      if (++idx[d] < outBatch[d]) break;
      idx[d] = 0;
    }
  }
  return [aOff, bOff];
}

/** Tiles per thread when workers share a product: enough that the calling thread's page touching is absorbed. */
const POOLED_TILES_PER_THREAD = 4;
/** Tiles per thread for the packed-whole task (its tiles pack nothing, so smaller ones cost little). */
const PACKED_TILES_PER_THREAD = 8;
/** Bytes of one thread's edge block (4×8 floats) in the packed-whole task. */
const EDGE_BYTES = 4 * 8 * 4;
/** Float32 elements per 4 KiB page. */
const PAGE_FLOATS = 1024;

// Writes one zero per page of a fresh array (the copy out overwrites them), so that its page faults are taken now.
function touchPages(values: Float32Array): void {
  for (let i = 0; i < values.length; i += PAGE_FLOATS) values[i] = 0;
}

// With workers, when the product is a result of the call `resultOf` (not a step inside another fused kernel), its
// array is chosen here:
// a disposed tensor's (recycler.ts), resident already, or a fresh one whose pages the calling thread touches (the
// returned function) while the workers take the first tiles. The first-touch page faults of a new array cost about a
// tenth of a 512³ product on two threads, and copying out into an untouched array after the product would add them.
function presetResult(out: number, size: number, resultOf: string | undefined): (() => void) | undefined {
  const rt = runtime();
  // Scratch results move into resident storages instead (call-frame.ts), which are not new arrays.
  if (resultOf === undefined || !rt.frame.isOutermost(resultOf) || rt.frame.promotesResults) return undefined;
  let result = recycler.take('float32', size) as Float32Array | undefined;
  let touch: (() => void) | undefined;
  if (!result) {
    const fresh = (result = recycler.own((uninitialisedArray('float32', size) as Float32Array | undefined) ?? new Float32Array(size)));
    touch = (): void => touchPages(fresh);
  }
  rt.frame.resultInto(out, result);
  return touch;
}

/**
 * One float32 product (no batch) as a TASK_MATMUL_PACKED task: op(A) and op(B) are packed once, in chunks the
 * threads share, and every tile reads those copies, where packing per tile would pack each row group of A once per
 * tile column and each column group of B once per tile row. Returns false, doing nothing, when the product has no
 * depth or its packed copies would be too large (it is then packed per tile).
 */
function packedProduct(
  a: number,
  b: number,
  out: number,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
  pool: ThreadPool | undefined,
  threads: number,
  flops: number,
  touch: (() => void) | undefined,
  epilogue: Epilogue,
): boolean {
  const packedBytes = (roundUp(m, 4) + roundUp(n, 8)) * k * 4;
  if (k === 0 || packedBytes > PACKED_MAX_BYTES) return false;
  const [tileRows, tileCols] = chooseTiles(m, n, 1, threads, pool ? PACKED_TILES_PER_THREAD : 1);
  const tilesM = Math.ceil(m / tileRows),
    tilesN = Math.ceil(n / tileCols);
  const chunksA = Math.ceil(m / PACK_ROWS),
    chunksB = Math.ceil(n / PACK_COLS);
  const chunks = chunksA + chunksB + tilesM * tilesN;
  if (chunks > MAX_CHUNKS) return false;
  const rt = runtime();
  const packedA = rt.heap.alloc(packedBytes);
  const packedB = packedA + roundUp(m, 4) * k * 4;
  const edge = rt.heap.alloc(threads * EDGE_BYTES);
  const i32 = rt.heap.i32;
  const fill = (): void =>
    writePackedMatmulTask(i32, {
      chunks,
      a,
      b,
      c: out,
      m,
      n,
      k,
      transA,
      transB,
      tileRows,
      tileCols,
      tilesM,
      tilesN,
      scratch: edge,
      scratchStride: EDGE_BYTES,
      threads,
      ...epilogue,
      packedA,
      packedB,
      chunksA,
      chunksB,
      packRows: PACK_ROWS,
      packCols: PACK_COLS,
    });
  // Units of work for the pool's accounting: the tiles (packing chunks are small and count for none).
  if (pool) pool.run(rt.exports, i32, TASK_PTR, fill, flops, touch, tilesM * tilesN);
  else runHere(rt.exports, i32, TASK_PTR, fill);
  rt.heap.free(edge);
  rt.heap.free(packedA);
  return true;
}

/**
 * out[r] = row r of `mat` (`rows` × k, row-major) · `vec`, for r < rows: on the calling thread, or, for a matrix of at
 * least {@link MEMORY_BOUND_MIN_BYTES}, as a TASK_ROW_DOTS task the pool shares by blocks of rows (same bits).
 */
function rowDots(mat: number, vec: number, out: number, rows: number, k: number): void {
  const chunks = Math.ceil(rows / ROW_DOTS_CHUNK);
  runBlocks(TASK_ROW_DOTS, chunks, [mat, vec, out, rows, k, ROW_DOTS_CHUNK], 2 * rows * k, rows * k * 4 >= MEMORY_BOUND_MIN_BYTES, () =>
    runtime().exports.rowDots(mat, vec, out, rows, k),
  );
}

// The shared dimension of op(A)·op(B): A's last axis, or its second-to-last when transposed.
const depthOf = (a: TensorInfo, transA: boolean): number => a.shape[a.shape.length - (transA ? 2 : 1)];

/** A bias row and activation applied to a product's tiles as they are stored (assembly/linear.ts). */
export interface Epilogue {
  /** Address of `n` floats added to every row of C, or 0 for none. */
  readonly bias: number;
  /** Flags of assembly/linear.ts's epilogue: 0 none, {@link EPILOGUE_RELU}. */
  readonly epilogue: number;
}

/** Epilogue flag: `max(0, ·)` after the bias (assembly/linear.ts's EPILOGUE_RELU). */
export const EPILOGUE_RELU = 1;
/** No bias, no activation: the plain product. */
export const NO_EPILOGUE: Epilogue = { bias: 0, epilogue: 0 };

function matmul(a: TensorInfo, b: TensorInfo, transA: boolean, transB: boolean, outShape: Shape): number {
  return productAt({ at: ptr(a), shape: a.shape, dtype: a.dtype }, { at: ptr(b), shape: b.shape }, transA, transB, outShape, NO_EPILOGUE, 'matmul');
}

/** A matmul operand already in this call's memory: its address and shape (and, for A, the dtype of both). */
export interface ProductOperand {
  /** Byte address in wasm memory. */
  readonly at: number;
  /** Its shape, as a tensor's. */
  readonly shape: Shape;
}

/**
 * op(A)·op(B) of operands already in this call's memory (the matmul kernel, with broadcasting batch dimensions),
 * into a new block of the call (or at `into`, the address of a block the caller made for it); float32 products apply
 * `epilogue` to each tile as it is stored. `resultOf` names the kernel whose result the block is when that kernel is
 * the outermost call (its array is then prepared in advance).
 */
export function productAt(
  a: ProductOperand & { readonly dtype: TensorInfo['dtype'] },
  b: ProductOperand,
  transA: boolean,
  transB: boolean,
  outShape: Shape,
  epilogue: Epilogue,
  resultOf?: string,
  into?: number,
): number {
  const rank = outShape.length;
  const k = a.shape[a.shape.length - (transA ? 2 : 1)];
  let m = outShape[rank - 2];
  const n = outShape[rank - 1];
  let outBatch = outShape.slice(0, rank - 2);
  // A batch of row-major A's against one shared B (a Linear layer on [batch, length, features]) is a single
  // product of the stacked rows: B is packed once instead of once per batch entry, and tiles span batch entries.
  if (!transA && sizeOf(b.shape.slice(0, -2)) === 1 && sizeOf(a.shape.slice(0, -2)) === sizeOf(outBatch)) {
    m *= sizeOf(outBatch);
    outBatch = [];
  }
  const batch = sizeOf(outBatch);
  const rt = runtime();
  const out = into ?? allocFor(a.dtype, batch * m * n);
  if (batch * m * n === 0) return out;
  const offsets = batchOffsets(a.shape.slice(0, -2), b.shape.slice(0, -2), outBatch, m * k, k * n);
  if (a.dtype === 'int32') {
    for (let i = 0; i < batch; i++) {
      const ao = offsets ? offsets[0][i] : 0,
        bo = offsets ? offsets[1][i] : 0;
      rt.exports.matmulI32(a.at + ao, b.at + bo, out + i * m * n * 4, m, n, k, transA ? 1 : 0, transB ? 1 : 0);
    }
    return out;
  }
  if (m === 1 || n === 1) {
    // A vector on one side: a pass over the matrix (see assembly/gemv.ts), no packing.
    for (let i = 0; i < batch; i++) {
      const pa = a.at + (offsets ? offsets[0][i] : 0),
        pb = b.at + (offsets ? offsets[1][i] : 0),
        pc = out + i * m * n * 4;
      if (m === 1) {
        if (transB) rowDots(pb, pa, pc, n, k);
        else rt.exports.rowCombination(pb, pa, pc, k, n);
      } else if (transA) rt.exports.rowCombination(pa, pb, pc, k, m);
      else rowDots(pa, pb, pc, m, k);
      if (epilogue !== NO_EPILOGUE) rt.exports.biasActivationTile(pc, n, 0, m, 0, n, epilogue.bias, epilogue.epilogue);
    }
    return out;
  }
  const flops = 2 * batch * m * n * k;
  let pool = flops >= PARALLEL_MIN_FLOPS ? rt.workerPool() : undefined;
  if (pool && !pool.take(flops)) pool = undefined;
  const threads = pool ? rt.threadCount : 1;
  let touch = pool && into === undefined ? presetResult(out, batch * m * n, resultOf) : undefined;
  if (batch === 1 && packedProduct(a.at, b.at, out, m, n, k, transA, transB, pool, threads, flops, touch, epilogue)) return out;
  const [tileRows, tileCols] = chooseTiles(m, n, batch, threads, pool ? POOLED_TILES_PER_THREAD : 2);
  const tilesM = Math.ceil(m / tileRows),
    tilesN = Math.ceil(n / tileCols);
  const perBatch = tilesM * tilesN;
  const scratch = rt.matmulScratch(threads);
  let tables = 0;
  if (offsets) {
    tables = rt.heap.alloc(batch * 8);
    rt.heap.i32.set(offsets[0], tables >>> 2);
    rt.heap.i32.set(offsets[1], (tables >>> 2) + batch);
  }
  const i32 = rt.heap.i32;
  // Claim words count chunks in 16 bits, so very large batches go as several tasks.
  const batchesPerTask = Math.max(1, Math.floor(MAX_CHUNKS / perBatch));
  for (let first = 0; first < batch; first += batchesPerTask) {
    const count = Math.min(batchesPerTask, batch - first);
    const chunks = count * perBatch;
    const fill = (): void =>
      writeMatmulTask(i32, {
        chunks,
        a: a.at,
        b: b.at,
        c: out,
        m,
        n,
        k,
        transA,
        transB,
        tileRows,
        tileCols,
        tilesM,
        tilesN,
        aOffsets: tables,
        bOffsets: tables === 0 ? 0 : tables + batch * 4,
        scratch,
        scratchStride: rt.scratchStride,
        first,
        threads,
        ...epilogue,
      });
    if (pool && chunks > 1) {
      pool.run(rt.exports, i32, TASK_PTR, fill, flops, touch);
      touch = undefined;
    } else runHere(rt.exports, i32, TASK_PTR, fill);
  }
  if (tables !== 0) rt.heap.free(tables);
  return out;
}

/** The matmul kernel. */
export const matmulKernels = { matmul } satisfies Pick<Kernels, 'matmul'>;

/**
 * Run before a matmul's inputs are staged: wakes the worker pool when the product is large enough to use it, so
 * that the workers' wake-up overlaps the copying-in. (The float32 check and the vector cases, which stay on this
 * thread, are the kernel's; a wake for them only costs a notify.)
 */
export function wakeForMatmul(a: TensorInfo, _b: TensorInfo, transA: boolean, _transB: boolean, outShape: Shape): void {
  if (2 * sizeOf(outShape) * depthOf(a, transA) >= PARALLEL_MIN_FLOPS) runtime().workerPool()?.wake();
}
