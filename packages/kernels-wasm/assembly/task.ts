// Parallel tasks: a task descriptor in shared memory whose chunks every thread claims with an atomic counter.
//
// The calling thread and each worker run `runTask` on the same descriptor; a thread that wakes late simply finds
// no chunk left, so nothing waits on a worker that the OS has not scheduled yet. Layout (i32 fields, byte offsets)
// is shared with src/thread-pool.ts and src/kernels/matmul.ts.
import { matmulTile } from './matmul';

/** Task kind: a batch of float32 matmul tiles. */
export const TASK_MATMUL = 1;

/** Byte size of a task descriptor. */
export const TASK_BYTES = 80;

/**
 * Claims chunks until none is left and returns how many this thread ran; each finished chunk bumps `done` so the
 * poster knows when all are finished.
 */
export function runTask(task: usize, thread: i32): i32 {
  const kind = load<i32>(task);
  const chunks = load<i32>(task, 4);
  let ran = 0;
  for (;;) {
    const chunk = atomic.add<i32>(task + 8, 1);
    if (chunk >= chunks) break;
    if (kind == TASK_MATMUL) matmulChunk(task, chunk, thread);
    atomic.add<i32>(task + 12, 1);
    ran++;
  }
  return ran;
}

// Chunk → (batch, tile row, tile column); the per-batch operand offsets come from tables built by the caller.
function matmulChunk(task: usize, chunk: i32, thread: i32): void {
  const m = load<i32>(task, 28), n = load<i32>(task, 32), k = load<i32>(task, 36);
  const tileRows = load<i32>(task, 48), tileCols = load<i32>(task, 52);
  const tilesM = load<i32>(task, 56), tilesN = load<i32>(task, 60);
  const perBatch = tilesM * tilesN;
  const batch = chunk / perBatch;
  const t = chunk - batch * perBatch;
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
}
