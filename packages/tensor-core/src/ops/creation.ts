// Creation of tensors from JavaScript data and constant fills; every backend gets the same values.
import { allocArray, checkStorable, dtypeOfArray, isDType, isNumericArray, storable, type DType, type TypedArray } from '../dtype.js';
import { InvalidArgumentError, ShapeMismatchError } from '../errors.js';
import { checkElementCount, checkShape, describe, formatShape, sizeOf, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkBackendName, checkTensor, storageFor, wrap } from './dispatch.js';
import { checkNonNegativeInt } from '../validate.js';

/** Nested arrays of numbers or booleans accepted by {@link tensor}. */
export type TensorData = number | boolean | TypedArray | readonly TensorData[];

/** Options shared by creation functions. */
export interface CreationOptions {
  /** Element type; defaults to float32 (bool for boolean data, the array's own type for typed arrays). */
  dtype?: DType;
  /** Backend name; defaults to the active backend. */
  backend?: string;
}

function checkDTypeOption(op: string, dtype: unknown): DType | undefined {
  if (dtype === undefined) return undefined;
  if (!isDType(dtype)) {
    throw new InvalidArgumentError(`${op}: argument 'dtype' must be one of float32, int32, float64, bool; received ${describe(dtype)}`);
  }
  return dtype;
}

/** The options argument of a creation function: a dtype name or `{ dtype?, backend? }`, checked. */
function optionsOf(op: string, options: unknown): CreationOptions {
  if (options === undefined) return {};
  if (typeof options === 'string') return { dtype: checkDTypeOption(op, options) };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError(`${op}: argument 'options' must be a dtype name or an object {dtype?, backend?}; received ${describe(options)}`);
  }
  const { dtype, backend } = options as CreationOptions;
  if (backend !== undefined) checkBackendName(op, "option 'backend'", backend);
  return { dtype: checkDTypeOption(op, dtype), backend };
}

function inferShape(op: string, data: TensorData): number[] {
  const shape: number[] = [];
  let level: TensorData = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  if (isNumericArray(level)) shape.push(level.length);
  else if (typeof level !== 'number' && typeof level !== 'boolean' && !Array.isArray(level)) {
    throw new InvalidArgumentError(`${op}: argument 'data' must hold numbers or booleans; received ${describe(level)}`);
  }
  return shape;
}

/** Throws unless `value`, element `index` of the data, can be stored in `dtype` as it is (int32 range, bool 0/1). */
function checkElement(op: string, value: number, index: number, dtype: DType): void {
  if (!storable(value, dtype)) checkStorable(op, `argument 'data' at flat index ${index}`, value, dtype);
}

function flatten(op: string, data: TensorData, shape: readonly number[], out: TypedArray, dtype: DType): void {
  let k = 0;
  const strict = dtype === 'int32' || dtype === 'bool';
  const walk = (node: TensorData, dim: number): void => {
    if (dim === shape.length) {
      const v = typeof node === 'number' ? node : typeof node === 'boolean' ? Number(node) : undefined;
      if (v === undefined) throw new InvalidArgumentError(`${op}: argument 'data' is ragged or holds ${describe(node)} where a number was expected`);
      if (strict) checkElement(op, v, k, dtype);
      out[k++] = v;
      return;
    }
    if (isNumericArray(node) && dim === shape.length - 1) {
      const arr = node;
      if (arr.length !== shape[dim])
        throw new ShapeMismatchError(`${op}: argument 'data' is ragged: a row of length ${arr.length} where ${shape[dim]} was expected`);
      for (let i = 0; i < arr.length; i++) {
        if (strict) checkElement(op, arr[i], k, dtype);
        out[k++] = arr[i];
      }
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[dim]) {
      throw new ShapeMismatchError(
        `${op}: argument 'data' is ragged: expected ${shape[dim]} elements at depth ${dim}, received ${Array.isArray(node) ? node.length : describe(node)}`,
      );
    }
    for (const child of node) walk(child, dim + 1);
  };
  walk(data, 0);
}

/**
 * A tensor from nested arrays, a typed array or a number.
 *
 * @param data - values; a flat array or typed array may be given with `shape`
 * @param shape - the shape to give flat data; inferred from nesting when omitted
 * @param dtype - element type (defaults as described in {@link CreationOptions})
 * @example
 * ```ts
 * tensor([[1, 2, 3], [4, 5, 6]]);              // float32 [2, 3]
 * tensor([0, 1, 2, 3], [2, 2], 'int32');       // int32 [2, 2]
 * tensor([true, false]);                       // bool [2]
 * ```
 */
export function tensor(data: TensorData, shape?: Shape, dtype?: DType | CreationOptions): Tensor {
  const options = optionsOf('tensor', dtype);
  const dt0 = options.dtype;
  if (ArrayBuffer.isView(data) && !isNumericArray(data)) {
    throw new InvalidArgumentError(`tensor: argument 'data' must hold numbers or booleans; received ${describe(data)}`);
  }
  const typed = isNumericArray(data) ? (data as TypedArray) : undefined;
  let inferred: number[];
  if (typed) inferred = [typed.length];
  else inferred = inferShape('tensor', data);
  const firstLeaf = (d: TensorData): unknown => (Array.isArray(d) ? (d.length ? firstLeaf(d[0]) : undefined) : d);
  const dt: DType = dt0 ?? (typed ? (dtypeOfArray(typed) ?? 'float32') : typeof firstLeaf(data) === 'boolean' ? 'bool' : 'float32');
  const size = sizeOf(inferred);
  const backend = storageFor('tensor', options.backend, dt);
  const values = allocArray(dt, size);
  if (typed) {
    // Only values that the dtype would change need a look: int32 and Uint8 data always fit int32.
    if (dt === 'bool' || (dt === 'int32' && !(typed instanceof Int32Array || typed instanceof Uint8Array))) {
      for (let i = 0; i < size; i++) checkElement('tensor', typed[i], i, dt);
    }
    values.set(typed as ArrayLike<number>);
  } else flatten('tensor', data, inferred, values, dt);
  let finalShape: Shape = inferred;
  if (shape !== undefined) {
    checkShape('tensor', 'shape', shape);
    if (sizeOf(shape) !== size) {
      throw new ShapeMismatchError(`tensor: argument 'shape' ${formatShape(shape)} holds ${sizeOf(shape)} elements but 'data' has ${size}`);
    }
    finalShape = shape;
  }
  return wrap(backend, backend.adopt(values, dt), finalShape, dt);
}

/** A tensor of `shape` filled with `value`: the one definition behind full, zeros, ones and their `*Like` forms. */
function filled(op: string, shape: Shape, value: number | boolean, options: unknown): Tensor {
  const opts = optionsOf(op, options);
  checkShape(op, 'shape', shape);
  if (typeof value !== 'number' && typeof value !== 'boolean') {
    throw new InvalidArgumentError(`${op}: argument 'value' must be a number or boolean; received ${describe(value)}`);
  }
  const dt = opts.dtype ?? (typeof value === 'boolean' ? 'bool' : 'float32');
  const v = typeof value === 'boolean' ? Number(value) : value;
  checkStorable(op, "argument 'value'", v, dt);
  const backend = storageFor(op, opts.backend, dt);
  const values = allocArray(dt, sizeOf(shape));
  if (v !== 0) values.fill(v);
  return wrap(backend, backend.adopt(values, dt), shape, dt);
}

/**
 * A tensor of `shape` filled with `value`.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(full([2], 7).toArray()) === '[7,7]');
 * ```
 */
export function full(shape: Shape, value: number | boolean, options: DType | CreationOptions = {}): Tensor {
  return filled('full', shape, value, options);
}

/**
 * A tensor of zeros.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(zeros([2, 2]).toArray()) === '[[0,0],[0,0]]');
 * ```
 */
export function zeros(shape: Shape, options: DType | CreationOptions = {}): Tensor {
  return filled('zeros', shape, 0, options);
}

/**
 * A tensor of ones.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(ones([2], 'int32').toArray()) === '[1,1]');
 * ```
 */
export function ones(shape: Shape, options: DType | CreationOptions = {}): Tensor {
  return filled('ones', shape, 1, options);
}

/**
 * A scalar (rank-0) tensor.
 *
 * @example
 * ```ts
 * const s = scalar(3);
 * console.assert(s.rank === 0 && s.item() === 3);
 * ```
 */
export function scalar(value: number | boolean, options: DType | CreationOptions = {}): Tensor {
  return filled('scalar', [], value, options);
}

function likeOptions(op: string, x: Tensor, options: DType | CreationOptions): CreationOptions {
  checkTensor(op, 'x', x);
  const opts = optionsOf(op, options);
  return { dtype: opts.dtype ?? x.dtype, backend: opts.backend ?? x.backendName };
}

/**
 * Zeros with `x`'s shape, dtype and backend (each overridable).
 *
 * @example
 * ```ts
 * const z = zerosLike(tensor([[1, 2, 3]]));
 * console.assert(z.shape[1] === 3 && z.dtype === 'float32' && z.dataSync()[0] === 0);
 * ```
 */
export function zerosLike(x: Tensor, options: DType | CreationOptions = {}): Tensor {
  const opts = likeOptions('zerosLike', x, options); // checks x before x.shape is read
  return filled('zerosLike', x.shape, 0, opts);
}

/**
 * Ones with `x`'s shape, dtype and backend.
 *
 * @example
 * ```ts
 * console.assert(onesLike(zeros([2, 3])).shape[1] === 3 && onesLike(zeros([2, 3])).dataSync()[0] === 1);
 * ```
 */
export function onesLike(x: Tensor, options: DType | CreationOptions = {}): Tensor {
  const opts = likeOptions('onesLike', x, options); // checks x before x.shape is read
  return filled('onesLike', x.shape, 1, opts);
}

/**
 * `value` everywhere with `x`'s shape, dtype and backend.
 *
 * @example
 * ```ts
 * const x = zeros([2, 2], 'int32');
 * console.assert(fullLike(x, 5).dtype === 'int32' && fullLike(x, 5).dataSync()[3] === 5);
 * ```
 */
export function fullLike(x: Tensor, value: number | boolean, options: DType | CreationOptions = {}): Tensor {
  const opts = likeOptions('fullLike', x, options); // checks x before x.shape is read
  return filled('fullLike', x.shape, value, opts);
}

/**
 * Throws unless `dtype` can hold every element of a monotonic sequence of `n` values given by `valueAt`: checking the
 * first and the last suffices for the int32 range; bool (0/1) and integrality are checked on every element only when
 * the ends pass and the dtype is bool or the steps are fractional. Runs before anything is allocated.
 */
function checkSequence(op: string, dtype: DType, n: number, valueAt: (i: number) => number, integral: boolean): void {
  if (n === 0 || (dtype !== 'int32' && dtype !== 'bool')) return;
  for (const i of [0, n - 1]) checkStorable(op, `element ${i} of the result`, valueAt(i), dtype);
  if (integral && dtype === 'int32') return;
  for (let i = 1; i < n - 1; i++) checkStorable(op, `element ${i} of the result`, valueAt(i), dtype);
}

/**
 * Evenly spaced values in `[start, stop)` with `step`, as `torch.arange`.
 * With one argument, `arange(n)` is `0 .. n-1`. The dtype defaults to int32 when every argument is an integer.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(arange(4).toArray()) === '[0,1,2,3]' && arange(4).dtype === 'int32');
 * console.assert(JSON.stringify(arange(0, 1, 0.25).toArray()) === '[0,0.25,0.5,0.75]');
 * ```
 */
export function arange(start: number, stop?: number, step = 1, options: DType | CreationOptions = {}): Tensor {
  const opts = optionsOf('arange', options);
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  for (const [name, v] of [
    ['start', start],
    ['stop', stop],
    ['step', step],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InvalidArgumentError(`arange: argument '${name}' must be a finite number; received ${describe(v)}`);
    }
  }
  if (step === 0) throw new InvalidArgumentError(`arange: argument 'step' must be non-zero; received 0`);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  checkElementCount('arange', [n]);
  const dt = opts.dtype ?? (Number.isInteger(start) && Number.isInteger(stop) && Number.isInteger(step) ? 'int32' : 'float32');
  const at = (i: number): number => start + i * step;
  checkSequence('arange', dt, n, at, Number.isInteger(start) && Number.isInteger(step));
  const backend = storageFor('arange', opts.backend, dt);
  const values = allocArray(dt, n);
  for (let i = 0; i < n; i++) values[i] = at(i);
  return wrap(backend, backend.adopt(values, dt), [n], dt);
}

/**
 * `num` evenly spaced float values from `start` to `stop` inclusive, as `torch.linspace`.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(linspace(0, 1, 5).toArray()) === '[0,0.25,0.5,0.75,1]');
 * ```
 */
export function linspace(start: number, stop: number, num: number, options: DType | CreationOptions = {}): Tensor {
  const opts = optionsOf('linspace', options);
  checkNonNegativeInt('linspace', 'num', num);
  for (const [name, v] of [
    ['start', start],
    ['stop', stop],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InvalidArgumentError(`linspace: argument '${name}' must be a finite number; received ${describe(v)}`);
    }
  }
  checkElementCount('linspace', [num]);
  const dt = opts.dtype ?? 'float32';
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  const exact = (i: number): number => (i === num - 1 && num > 1 ? stop : start + i * step);
  // int32 truncates toward zero, as torch.linspace with an integer dtype.
  const at = dt === 'int32' ? (i: number) => Math.trunc(exact(i)) : exact;
  checkSequence('linspace', dt, num, at, true);
  const backend = storageFor('linspace', opts.backend, dt);
  const values = allocArray(dt, num);
  for (let i = 0; i < num; i++) values[i] = at(i);
  return wrap(backend, backend.adopt(values, dt), [num], dt);
}

/**
 * An `n × m` matrix with ones on the main diagonal (`m` defaults to `n`).
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(eye(2).toArray()) === '[[1,0],[0,1]]' && eye(2, 3).shape[1] === 3);
 * ```
 */
export function eye(n: number, m: number = n, options: DType | CreationOptions = {}): Tensor {
  const opts = optionsOf('eye', options);
  checkShape('eye', 'n, m', [n, m]);
  const dt = opts.dtype ?? 'float32';
  const backend = storageFor('eye', opts.backend, dt);
  const values = allocArray(dt, n * m);
  for (let i = 0; i < Math.min(n, m); i++) values[i * m + i] = 1;
  return wrap(backend, backend.adopt(values, dt), [n, m], dt);
}
