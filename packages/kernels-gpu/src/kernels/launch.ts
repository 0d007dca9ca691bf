// Running the generated programs of the reduction, matmul, movement and indexing kernels on gpu storage.
import { runProgram, type ProgramArg } from '../program.js';
import { hostFloat, releaseFloat, type GpuFloat } from '../storage.js';
import type { KernelProgram } from './kernel-source.js';

/**
 * Runs `program` on `args` followed by its uniforms; `op` names the public op in errors. The program is compiled once
 * per key and resized per call (its sizes are uniforms), so every shape of a rank shares one compiled kernel.
 *
 * @example
 * ```ts
 * const doubled = runSource('double', program('double', ['x'], {}, 'return 2 * x[this.thread.x];', x.size), [x.handle as GpuFloat]);
 * ```
 */
export function runSource(op: string, program: KernelProgram, args: readonly ProgramArg[]): GpuFloat {
  return runProgram(op, program.key, () => ({ source: program.source, dynamicOutput: true, nativeFunctions: program.nativeFunctions }), program.size, [
    ...args,
    ...program.uniforms,
  ]);
}

/**
 * Releases an intermediate result unless it is `keep` (the caller's input, which the caller's tensor owns).
 *
 * @example
 * ```ts
 * releaseUnless(partial, input); // frees a stage's output, never the caller's input
 * ```
 */
export function releaseUnless(handle: GpuFloat, keep: GpuFloat): void {
  if (handle !== keep) releaseFloat(handle);
}

/**
 * A float32 handle of `size` copies of `value`, uploaded from the host when a kernel first reads it.
 *
 * @example
 * ```ts
 * const ones = filled('prod', 6, 1); // the product over an empty axis
 * ```
 */
export function filled(op: string, size: number, value: number): GpuFloat {
  return hostFloat(op, new Float32Array(size).fill(value));
}
