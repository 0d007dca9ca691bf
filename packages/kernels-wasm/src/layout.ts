// Fixed addresses in the low 4 KiB of wasm memory, below the module's static data (which starts at 4096).

/** The one parallel-task descriptor (see assembly/task.ts for its fields). */
export const TASK_PTR = 64;
/** Byte size of the task descriptor. */
export const TASK_BYTES = 112;
/** Scratch for the small i32 arrays (shapes, strides, counters) that the calling thread passes to a kernel. */
export const ARGS_PTR = 256;
/** Bytes available at {@link ARGS_PTR}. */
export const ARGS_BYTES = 4096 - ARGS_PTR;
/** Where the AssemblyScript compiler places static data (`--memoryBase`). */
export const STATIC_BASE = 4096;

/**
 * Writes a task of `kind` into the descriptor at {@link TASK_PTR} (assembly/task.ts's layout): its chunk count, its
 * arguments from word 4 on, and the threads with a scratch slot (word 21). Kinds with more fields write them after.
 *
 * @example
 * ```ts
 * writeTaskWords(heap.i32, TASK_ROW_DOTS, chunks, [mat, vec, out, rows, k, ROW_DOTS_CHUNK], threads);
 * ```
 */
export function writeTaskWords(i32: Int32Array, kind: number, chunks: number, args: readonly number[], threads: number): void {
  const t = TASK_PTR >>> 2;
  i32[t] = kind;
  i32[t + 1] = chunks;
  for (let i = 0; i < args.length; i++) i32[t + 4 + i] = args[i];
  i32[t + 21] = threads;
}
