// Tasks of equal blocks of independent work (matrix rows dotted with a vector, GELU over elements): run on the calling
// thread, or shared with the worker pool by blocks, each block's results the same whichever thread computes them.
import { runtime } from './context.js';
import { TASK_PTR, writeTaskWords } from './layout.js';

/**
 * Runs the task `kind` of `chunks` blocks (descriptor fields `args`, `flops` of work) on the worker pool when `share`
 * asks for it, there is more than one block and the pool takes a task of that size; else calls `here`, which does the
 * whole of it on the calling thread.
 */
export function runBlocks(kind: number, chunks: number, args: readonly number[], flops: number, share: boolean, here: () => void): void {
  const rt = runtime();
  let pool = share && chunks > 1 ? rt.workerPool() : undefined;
  if (pool && !pool.take(flops)) pool = undefined;
  if (!pool) {
    here();
    return;
  }
  const i32 = rt.heap.i32;
  pool.run(rt.exports, i32, TASK_PTR, () => writeTaskWords(i32, kind, chunks, args, rt.threadCount), flops, undefined, chunks);
}
