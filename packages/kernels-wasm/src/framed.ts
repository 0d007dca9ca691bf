// Running kernels in call frames: the wrapper that turns the kernels' wasm addresses into JS-owned typed arrays.
import type { TypedArray } from '@seqlab/tensor-core';
import type { CallFrame } from './call-frame.js';
import { runtime } from './context.js';

const FRAMED = Symbol('framed');

/** How deep {@link prestage} looks into argument objects (fused kernels take objects holding objects of tensors). */
const PRESTAGE_DEPTH = 2;

// Stages the storage of every tensor among a kernel's arguments before it runs, so that the kernel's own staging
// is a lookup and cannot grow memory under views it already holds. Looks into arrays and into argument objects up
// to PRESTAGE_DEPTH levels; bare typed arrays there (sequence lengths) are not storages and stay in JS.
function prestage(frame: CallFrame, value: unknown, depth: number): void {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return;
  if (Array.isArray(value)) {
    for (const v of value) prestage(frame, v, depth);
    return;
  }
  const handle = (value as { handle?: unknown }).handle;
  if (ArrayBuffer.isView(handle)) frame.stage(handle as TypedArray);
  else if (depth < PRESTAGE_DEPTH) for (const v of Object.values(value)) prestage(frame, v, depth + 1);
}

/**
 * `kernel` run in a call frame: its tensor arguments are staged into wasm memory, the addresses it returns (one,
 * or an object of them) come back as typed arrays copied out of that memory, inputs it updated in place are
 * copied back, and everything the call allocated is released. A kernel called from inside another shares the
 * outer call's frame. Every number in a kernel's result must be an address from `allocFor` or of a staged input;
 * nulls and typed arrays computed in JS pass through. `prelude`, if given, sees the arguments before anything is
 * staged.
 */
export function framed<F extends (...args: never[]) => unknown>(name: string, kernel: F, prelude?: (...args: Parameters<F>) => void): F {
  if ((kernel as { [FRAMED]?: boolean })[FRAMED]) return kernel;
  const call = kernel as unknown as (...args: unknown[]) => unknown;
  const before = prelude as ((...args: unknown[]) => void) | undefined;
  const run = (...args: unknown[]): unknown => {
    const frame = runtime().frame;
    frame.open(name);
    let out: unknown;
    try {
      before?.(...args);
      for (const arg of args) prestage(frame, arg, 0);
      out = frame.result(call(...args), name);
      frame.writeBack();
    } finally {
      frame.close();
    }
    // Scratch results become resident storages once the frame is released (call-frame.ts).
    return frame.settle(out);
  };
  (run as unknown as { [FRAMED]: boolean })[FRAMED] = true;
  return run as unknown as F;
}

/**
 * A kernel table with every function run through {@link framed}; `preludes` holds, by kernel name, functions run
 * with a kernel's arguments before its inputs are staged (to wake worker threads early).
 */
export function framedTable<T extends object>(table: T, preludes: Partial<Record<keyof T, (...args: never[]) => void>> = {}): T {
  const out: Record<string, unknown> = {};
  for (const [name, kernel] of Object.entries(table)) {
    const prelude = preludes[name as keyof T] as ((...args: never[]) => void) | undefined;
    out[name] = typeof kernel === 'function' ? framed(name, kernel as (...args: never[]) => unknown, prelude) : kernel;
  }
  return out as T;
}
