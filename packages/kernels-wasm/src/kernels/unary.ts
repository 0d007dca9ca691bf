// wasm kernels for elementwise unary ops, clamp and GELU.
import type { Kernels, TensorInfo, UnaryOpName } from '@seqlab/tensor-core';
import { allocFor, ptr, runtime } from '../context.js';

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
    runtime().exports.geluF32(ptr(x), out, x.size, approximate === 'tanh' ? 1 : 0);
    return out;
  },
} satisfies Pick<Kernels, UnaryOpName | 'clamp' | 'gelu'>;
