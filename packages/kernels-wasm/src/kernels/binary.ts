// wasm kernels for broadcasting arithmetic, comparisons, logic and where.
import { sizeOf, type BinaryOpName, type CompareOpName, type Kernels, type LogicalOpName, type Shape, type TensorInfo } from '@seqlab/tensor-core';
import { allocFor, elementBytes, ptr, runtime } from '../context.js';
import { broadcastStridesOf, coalesce, contiguousStrides, writeWalk, type StridedWalk } from '../dims.js';

// Op codes and families, matching assembly/binary.ts.
const ARITH: Record<BinaryOpName, number> = { add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6 };
const COMPARE: Record<CompareOpName, number> = { equal: 0, notEqual: 1, less: 2, lessEqual: 3, greater: 4, greaterEqual: 5 };
const LOGIC: Record<LogicalOpName, number> = { logicalAnd: 0, logicalOr: 1, logicalXor: 2 };
const F32 = 0,
  I32 = 16,
  CMP_F32 = 32,
  CMP_I32 = 48,
  CMP_U8 = 64,
  LOGIC_U8 = 80;

function run2(code: number, a: TensorInfo, b: TensorInfo, outShape: Shape, out: number): number {
  const size = sizeOf(outShape);
  if (size === 0) return out;
  const rt = runtime();
  let walk: StridedWalk;
  if ((a.size === size || a.size === 1) && (b.size === size || b.size === 1)) {
    // Same shape or a scalar on either side (the common cases): one flat row, no shape bookkeeping.
    walk = { shape: [size], strides: [[a.size === 1 ? 0 : 1], [b.size === 1 ? 0 : 1]] };
  } else {
    walk = coalesce(outShape, [broadcastStridesOf(a.shape, outShape), broadcastStridesOf(b.shape, outShape), contiguousStrides(outShape)]);
    // The kernel writes the output contiguously; only the two input stride arrays travel.
    walk.strides.pop();
  }
  const dims = writeWalk(rt.heap, walk);
  rt.exports.broadcast2(code, ptr(a), ptr(b), out, walk.shape.length, dims);
  return out;
}

/** Broadcasting binary, comparison, logic and where kernels. */
export const binaryKernels = {
  binary(op, a, b, outShape) {
    const out = allocFor(a.dtype, sizeOf(outShape));
    return run2((a.dtype === 'int32' ? I32 : F32) + ARITH[op], a, b, outShape, out);
  },
  compare(op, a, b, outShape) {
    const out = allocFor('bool', sizeOf(outShape));
    const family = a.dtype === 'int32' ? CMP_I32 : a.dtype === 'bool' ? CMP_U8 : CMP_F32;
    return run2(family + COMPARE[op], a, b, outShape, out);
  },
  logical(op, a, b, outShape) {
    const out = allocFor('bool', sizeOf(outShape));
    return run2(LOGIC_U8 + LOGIC[op], a, b, outShape, out);
  },
  logicalNot(x) {
    const out = allocFor('bool', x.size);
    const u8 = runtime().heap.u8,
      src = ptr(x);
    for (let i = 0; i < x.size; i++) u8[out + i] = u8[src + i] ^ 1;
    return out;
  },
  where(cond, a, b, outShape) {
    const size = sizeOf(outShape);
    const out = allocFor(a.dtype, size);
    if (size === 0) return out;
    const rt = runtime();
    const walk = coalesce(outShape, [
      broadcastStridesOf(cond.shape, outShape),
      broadcastStridesOf(a.shape, outShape),
      broadcastStridesOf(b.shape, outShape),
      contiguousStrides(outShape),
    ]);
    walk.strides.pop();
    const dims = writeWalk(rt.heap, walk);
    rt.exports.where3(elementBytes(a.dtype), ptr(cond), ptr(a), ptr(b), out, walk.shape.length, dims);
    return out;
  },
} satisfies Pick<Kernels, 'binary' | 'compare' | 'logical' | 'logicalNot' | 'where'>;
