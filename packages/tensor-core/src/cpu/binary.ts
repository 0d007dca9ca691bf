// CPU kernels for broadcasting binary ops, comparisons, logic and where: one explicit row loop per op.
import type { Kernels, TensorInfo } from '../backend.js';
import { allocArray, type TypedArray } from '../dtype.js';
import type { BinaryOpName, CompareOpName, LogicalOpName } from '../ops/names.js';
import { sizeOf, type Shape } from '../shape.js';
import { forEachRow } from './broadcast.js';

type Row = (a: TypedArray, ao: number, as: number, b: TypedArray, bo: number, bs: number, o: TypedArray, oo: number, n: number) => void;

const arith: Record<BinaryOpName, Row> = {
  add: (a, ao, as, b, bo, bs, o, oo, n) => {
    for (let i = 0; i < n; i++) o[oo + i] = a[ao + i * as] + b[bo + i * bs];
  },
  sub: (a, ao, as, b, bo, bs, o, oo, n) => {
    for (let i = 0; i < n; i++) o[oo + i] = a[ao + i * as] - b[bo + i * bs];
  },
  mul: (a, ao, as, b, bo, bs, o, oo, n) => {
    for (let i = 0; i < n; i++) o[oo + i] = a[ao + i * as] * b[bo + i * bs];
  },
  div: (a, ao, as, b, bo, bs, o, oo, n) => {
    // Int32Array stores truncate toward zero, matching integer division.
    for (let i = 0; i < n; i++) o[oo + i] = a[ao + i * as] / b[bo + i * bs];
  },
  pow: (a, ao, as, b, bo, bs, o, oo, n) => {
    for (let i = 0; i < n; i++) o[oo + i] = Math.pow(a[ao + i * as], b[bo + i * bs]);
  },
  maximum: (a, ao, as, b, bo, bs, o, oo, n) => {
    for (let i = 0; i < n; i++) {
      const x = a[ao + i * as],
        y = b[bo + i * bs];
      o[oo + i] = x > y || x !== x ? x : y;
    }
  },
  minimum: (a, ao, as, b, bo, bs, o, oo, n) => {
    for (let i = 0; i < n; i++) {
      const x = a[ao + i * as],
        y = b[bo + i * bs];
      o[oo + i] = x < y || x !== x ? x : y;
    }
  },
};

const comparisons: Record<CompareOpName, Row> = {
  equal: (a, ao, as, b, bo, bs, o, oo, n) => {
    for (let i = 0; i < n; i++) o[oo + i] = a[ao + i * as] === b[bo + i * bs] ? 1 : 0;
  },
  notEqual: (a, ao, as, b, bo, bs, o, oo, n) => {
    for (let i = 0; i < n; i++) o[oo + i] = a[ao + i * as] !== b[bo + i * bs] ? 1 : 0;
  },
  less: (a, ao, as, b, bo, bs, o, oo, n) => {
    for (let i = 0; i < n; i++) o[oo + i] = a[ao + i * as] < b[bo + i * bs] ? 1 : 0;
  },
  lessEqual: (a, ao, as, b, bo, bs, o, oo, n) => {
    for (let i = 0; i < n; i++) o[oo + i] = a[ao + i * as] <= b[bo + i * bs] ? 1 : 0;
  },
  greater: (a, ao, as, b, bo, bs, o, oo, n) => {
    for (let i = 0; i < n; i++) o[oo + i] = a[ao + i * as] > b[bo + i * bs] ? 1 : 0;
  },
  greaterEqual: (a, ao, as, b, bo, bs, o, oo, n) => {
    for (let i = 0; i < n; i++) o[oo + i] = a[ao + i * as] >= b[bo + i * bs] ? 1 : 0;
  },
};

const logic: Record<LogicalOpName, Row> = {
  logicalAnd: (a, ao, as, b, bo, bs, o, oo, n) => {
    for (let i = 0; i < n; i++) o[oo + i] = a[ao + i * as] & b[bo + i * bs];
  },
  logicalOr: (a, ao, as, b, bo, bs, o, oo, n) => {
    for (let i = 0; i < n; i++) o[oo + i] = a[ao + i * as] | b[bo + i * bs];
  },
  logicalXor: (a, ao, as, b, bo, bs, o, oo, n) => {
    for (let i = 0; i < n; i++) o[oo + i] = a[ao + i * as] ^ b[bo + i * bs];
  },
};

function run(row: Row, x: TensorInfo, y: TensorInfo, out: TypedArray, outShape: Shape): TypedArray {
  const a = x.handle as TypedArray;
  const b = y.handle as TypedArray;
  forEachRow([x.shape, y.shape], outShape, (offsets, steps, oo, n) => row(a, offsets[0], steps[0], b, offsets[1], steps[1], out, oo, n));
  return out;
}

/** Broadcasting binary, comparison, logic and where CPU kernels. */
export const binaryKernels: Pick<Kernels, 'binary' | 'compare' | 'logical' | 'logicalNot' | 'where'> = {
  binary: (op, x, y, outShape) => run(arith[op], x, y, allocArray(x.dtype, sizeOf(outShape)), outShape),
  compare: (op, x, y, outShape) => run(comparisons[op], x, y, allocArray('bool', sizeOf(outShape)), outShape),
  logical: (op, x, y, outShape) => run(logic[op], x, y, allocArray('bool', sizeOf(outShape)), outShape),
  logicalNot(x) {
    const a = x.handle as Uint8Array,
      o = allocArray('bool', x.size);
    for (let i = 0; i < a.length; i++) o[i] = a[i] ^ 1;
    return o;
  },
  where(cond, x, y, outShape) {
    const c = cond.handle as Uint8Array,
      a = x.handle as TypedArray,
      b = y.handle as TypedArray;
    const o = allocArray(x.dtype, sizeOf(outShape));
    forEachRow([cond.shape, x.shape, y.shape], outShape, (off, st, oo, n) => {
      const co = off[0],
        cs = st[0],
        ao = off[1],
        as = st[1],
        bo = off[2],
        bs = st[2];
      for (let i = 0; i < n; i++) o[oo + i] = c[co + i * cs] ? a[ao + i * as] : b[bo + i * bs];
    });
    return o;
  },
};
