// wasm kernels for elementwise unary ops, clamp and GELU.
import type { Kernels, TensorInfo, UnaryOpName } from '@seqlab/tensor-core';
import { allocFor, ptr, runtime } from '../context.js';
import { runBlocks } from '../block-task.js';

/** Task kind of assembly/task.ts for GELU. */
const TASK_GELU = 7;
/** Elements per TASK_GELU chunk (a multiple of 4). */
const GELU_CHUNK = 16384;
/**
 * GELU over this many elements or more is shared with the worker pool: it costs about 5 ns per element on one core
 * here (an erfc fit, a division and an exponential per lane), so 64 Ki elements take about 0.3 ms, well above waking a
 * worker.
 */
const GELU_PARALLEL_MIN = 65536;
/** Work per element in flops, for the pool's per-size back-off (an estimate of the lane arithmetic). */
const GELU_FLOPS = 40;

/**
 * GELU of `n` float32 at `x` into `out` (`dy` 0), or its gradient `dy·gelu'(x)` (`dy` the address of the output
 * gradient): on the calling thread, or shared with the pool by blocks of elements.
 */
export function geluAt(x: number, out: number, n: number, tanh: boolean, dy = 0): void {
  const flag = tanh ? 1 : 0;
  runBlocks(TASK_GELU, Math.ceil(n / GELU_CHUNK), [x, out, n, GELU_CHUNK, flag, dy], n * GELU_FLOPS, n >= GELU_PARALLEL_MIN, () => {
    if (dy === 0) runtime().exports.geluF32(x, out, n, flag);
    else runtime().exports.geluBackwardF32(dy, x, out, n, flag);
  });
}

/** Unary ops in the order of their codes in assembly/unary.ts. */
const UNARY_OPS: readonly UnaryOpName[] = [
  'neg',
  'abs',
  'exp',
  'log',
  'log1p',
  'sqrt',
  'rsqrt',
  'tanh',
  'sigmoid',
  'relu',
  'sin',
  'cos',
  'square',
  'reciprocal',
  'sign',
  'floor',
  'ceil',
  'round',
];

function unary(code: number): (x: TensorInfo) => number {
  return (x) => {
    const out = allocFor(x.dtype, x.size);
    const k = runtime().exports;
    if (x.dtype === 'int32') k.unaryI32(code, ptr(x), out, x.size);
    else k.unaryF32(code, ptr(x), out, x.size);
    return out;
  };
}

/** Unary kernels by op name, plus clamp and gelu. */
export const unaryKernels = {
  ...(Object.fromEntries(UNARY_OPS.map((op, code) => [op, unary(code)])) as Record<UnaryOpName, (x: TensorInfo) => number>),
  clamp(x, min, max) {
    const out = allocFor(x.dtype, x.size);
    const rt = runtime();
    if (x.dtype === 'int32') {
      // Same expression as the CPU kernel, so fractional or infinite bounds convert exactly as its Int32Array stores do.
      const i32 = rt.heap.i32,
        src = ptr(x) >>> 2,
        dst = out >>> 2;
      for (let i = 0; i < x.size; i++) {
        const v = i32[src + i];
        i32[dst + i] = v < min ? min : v > max ? max : v;
      }
    } else rt.exports.clampF32(ptr(x), out, x.size, min, max);
    return out;
  },
  gelu(x, approximate) {
    const out = allocFor(x.dtype, x.size);
    geluAt(ptr(x), out, x.size, approximate === 'tanh');
    return out;
  },
} satisfies Pick<Kernels, UnaryOpName | 'clamp' | 'gelu'>;
