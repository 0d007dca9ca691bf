// The per-time-step product of the fused recurrent kernels as one matmul task on the worker pool, allocation-free.
//
// kernels/matmul.ts takes storages and allocates its result and scratch per call; a time loop calls the same
// product a hundred times on blocks it already owns, so this posts the same task (writeMatmulTask, tiled by
// chooseTiles) on fixed addresses, with scratch allocated once per kernel call and kept hot in cache.
import { runtime } from './context.js';
import { chooseTiles, PARALLEL_MIN_FLOPS, writeMatmulTask } from './kernels/matmul.js';
import { TASK_PTR } from './layout.js';
import { runHere } from './thread-pool.js';

/** A fixed-shape float32 product `C [m, n] = A [m, k] · op(B)` run many times on different addresses. */
export class StepProduct {
  private readonly m: number;
  private readonly n: number;
  private readonly k: number;
  private readonly transB: boolean;
  private readonly flops: number;
  /** Matmul scratch of the current call, one slot per thread; slot 0 also serves a whole loop in wasm. */
  readonly scratch: number;

  /** Sizes of the product; op(B) is Bᵀ of a `[n, k]` B when `transB`. Allocates scratch in the current call. */
  constructor(m: number, n: number, k: number, transB: boolean) {
    this.m = m;
    this.n = n;
    this.k = k;
    this.transB = transB;
    this.flops = 2 * m * n * k;
    this.scratch = runtime().matmulScratch(runtime().threadCount);
  }

  /** Whether this product is large enough for the worker pool (otherwise a whole loop on one thread does better). */
  get shareable(): boolean {
    const rt = runtime();
    return rt.shared && rt.threadCount > 1 && this.flops >= PARALLEL_MIN_FLOPS;
  }

  /** C at `c` = A at `a` · op(B at `b`), on the worker pool when it takes the task, else on this thread. */
  run(a: number, b: number, c: number): void {
    const rt = runtime();
    const { m, n, k, flops } = this;
    let pool = flops >= PARALLEL_MIN_FLOPS ? rt.workerPool() : undefined;
    if (pool && !pool.take(flops)) pool = undefined;
    const threads = pool ? rt.threadCount : 1;
    const [tileRows, tileCols] = chooseTiles(m, n, 1, threads);
    const tilesM = Math.ceil(m / tileRows),
      tilesN = Math.ceil(n / tileCols);
    const i32 = rt.heap.i32;
    const fill = (): void =>
      writeMatmulTask(i32, {
        chunks: tilesM * tilesN,
        a,
        b,
        c,
        m,
        n,
        k,
        transA: false,
        transB: this.transB,
        tileRows,
        tileCols,
        tilesM,
        tilesN,
        aOffsets: 0,
        bOffsets: 0,
        scratch: this.scratch,
        scratchStride: rt.scratchStride,
        first: 0,
        threads,
      });
    if (pool && tilesM * tilesN > 1) pool.run(rt.exports, i32, TASK_PTR, fill, flops);
    else runHere(rt.exports, i32, TASK_PTR, fill);
  }
}
