// CPU kernels for elementwise unary ops: one tight loop per op over the contiguous storage.
import type { Kernels, TensorInfo } from '../backend.js';
import { allocArray, type TypedArray } from '../dtype.js';

type Unary = (x: TensorInfo) => TypedArray;

function src(x: TensorInfo): TypedArray {
  return x.handle as TypedArray;
}

const neg: Unary = (x) => {
  const a = src(x),
    o = allocArray(x.dtype, x.size);
  for (let i = 0; i < a.length; i++) o[i] = -a[i];
  return o;
};
const abs: Unary = (x) => {
  const a = src(x),
    o = allocArray(x.dtype, x.size);
  for (let i = 0; i < a.length; i++) o[i] = Math.abs(a[i]);
  return o;
};
const exp: Unary = (x) => {
  const a = src(x),
    o = allocArray(x.dtype, x.size);
  for (let i = 0; i < a.length; i++) o[i] = Math.exp(a[i]);
  return o;
};
const log: Unary = (x) => {
  const a = src(x),
    o = allocArray(x.dtype, x.size);
  for (let i = 0; i < a.length; i++) o[i] = Math.log(a[i]);
  return o;
};
const log1p: Unary = (x) => {
  const a = src(x),
    o = allocArray(x.dtype, x.size);
  for (let i = 0; i < a.length; i++) o[i] = Math.log1p(a[i]);
  return o;
};
const sqrt: Unary = (x) => {
  const a = src(x),
    o = allocArray(x.dtype, x.size);
  for (let i = 0; i < a.length; i++) o[i] = Math.sqrt(a[i]);
  return o;
};
const rsqrt: Unary = (x) => {
  const a = src(x),
    o = allocArray(x.dtype, x.size);
  for (let i = 0; i < a.length; i++) o[i] = 1 / Math.sqrt(a[i]);
  return o;
};
const tanh: Unary = (x) => {
  const a = src(x),
    o = allocArray(x.dtype, x.size);
  for (let i = 0; i < a.length; i++) o[i] = Math.tanh(a[i]);
  return o;
};
const sigmoid: Unary = (x) => {
  const a = src(x),
    o = allocArray(x.dtype, x.size);
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    // Split by sign so exp never overflows.
    if (v >= 0) o[i] = 1 / (1 + Math.exp(-v));
    else {
      const e = Math.exp(v);
      o[i] = e / (1 + e);
    }
  }
  return o;
};
const relu: Unary = (x) => {
  const a = src(x),
    o = allocArray(x.dtype, x.size);
  for (let i = 0; i < a.length; i++) o[i] = a[i] > 0 ? a[i] : 0;
  return o;
};
const sin: Unary = (x) => {
  const a = src(x),
    o = allocArray(x.dtype, x.size);
  for (let i = 0; i < a.length; i++) o[i] = Math.sin(a[i]);
  return o;
};
const cos: Unary = (x) => {
  const a = src(x),
    o = allocArray(x.dtype, x.size);
  for (let i = 0; i < a.length; i++) o[i] = Math.cos(a[i]);
  return o;
};
const square: Unary = (x) => {
  const a = src(x),
    o = allocArray(x.dtype, x.size);
  for (let i = 0; i < a.length; i++) o[i] = a[i] * a[i];
  return o;
};
const reciprocal: Unary = (x) => {
  const a = src(x),
    o = allocArray(x.dtype, x.size);
  for (let i = 0; i < a.length; i++) o[i] = 1 / a[i];
  return o;
};
const sign: Unary = (x) => {
  const a = src(x),
    o = allocArray(x.dtype, x.size);
  for (let i = 0; i < a.length; i++) o[i] = a[i] > 0 ? 1 : a[i] < 0 ? -1 : a[i];
  return o;
};
const floor: Unary = (x) => {
  const a = src(x),
    o = allocArray(x.dtype, x.size);
  for (let i = 0; i < a.length; i++) o[i] = Math.floor(a[i]);
  return o;
};
const ceil: Unary = (x) => {
  const a = src(x),
    o = allocArray(x.dtype, x.size);
  for (let i = 0; i < a.length; i++) o[i] = Math.ceil(a[i]);
  return o;
};
const round: Unary = (x) => {
  const a = src(x),
    o = allocArray(x.dtype, x.size);
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    const r = Math.round(v);
    // Math.round rounds halves up; torch.round rounds halves to even.
    o[i] = r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
  }
  return o;
};

/** Elementwise unary CPU kernels, plus clamp. */
export const unaryKernels: Pick<
  Kernels,
  | 'neg'
  | 'abs'
  | 'exp'
  | 'log'
  | 'log1p'
  | 'sqrt'
  | 'rsqrt'
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'sin'
  | 'cos'
  | 'square'
  | 'reciprocal'
  | 'sign'
  | 'floor'
  | 'ceil'
  | 'round'
  | 'clamp'
> = {
  neg,
  abs,
  exp,
  log,
  log1p,
  sqrt,
  rsqrt,
  tanh,
  sigmoid,
  relu,
  sin,
  cos,
  square,
  reciprocal,
  sign,
  floor,
  ceil,
  round,
  clamp(x, min, max) {
    const a = src(x),
      o = allocArray(x.dtype, x.size);
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      o[i] = v < min ? min : v > max ? max : v;
    }
    return o;
  },
};
