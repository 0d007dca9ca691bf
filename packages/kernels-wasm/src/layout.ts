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
