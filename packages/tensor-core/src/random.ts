// Seeded random tensors: values are drawn in JavaScript from a Generator and uploaded, so every backend gets the same numbers.
import { broadcastStrides } from './cpu/broadcast.js';
import { allocArray, isDType, type DType, type TypedArray } from './dtype.js';
import { InvalidArgumentError, ShapeMismatchError, DTypeMismatchError } from './errors.js';
import { defaultGenerator, Generator } from './generator.js';
import { checkBackendName, checkTensor, storageFor, wrap } from './ops/dispatch.js';
import { getBackend } from './registry.js';
import { broadcastShapes, checkShape, describe, MAX_TENSOR_ELEMENTS, formatShape, shapesEqual, sizeOf, type Shape } from './shape.js';
import type { Tensor } from './tensor.js';

/** Options shared by the random tensor functions. */
export interface RandomOptions {
  /** Source of randomness; defaults to {@link defaultGenerator}. The generator advances. */
  generator?: Generator;
  /** Element type of the result; each function documents its default and the dtypes it accepts. */
  dtype?: DType;
  /** Backend name; defaults to the active backend (for `bernoulli` of a tensor, to the tensor's backend). */
  backend?: string;
}

const FLOAT_DTYPES: readonly DType[] = ['float32', 'float64'];
const NUMERIC_DTYPES: readonly DType[] = ['int32', 'float32', 'float64'];
const FLOAT32_MAX = 3.4028234663852886e38;
const TWO_POW_MINUS_24 = 2 ** -24;

interface Resolved {
  generator: Generator;
  dtype: DType;
  backend: string | undefined;
}

function resolveOptions(op: string, options: unknown, allowed: readonly DType[], fallback: DType, fallbackBackend?: string): Resolved {
  if (options === undefined || options === null) {
    storageFor(op, fallbackBackend, fallback);
    return { generator: defaultGenerator(), dtype: fallback, backend: fallbackBackend };
  }
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidArgumentError(`${op}: argument 'options' must be an object {generator?, dtype?, backend?}; received ${describe(options)}`);
  }
  const { generator, dtype, backend } = options as RandomOptions;
  if (generator !== undefined && !(generator instanceof Generator)) {
    throw new InvalidArgumentError(`${op}: option 'generator' must be a Generator; received ${describe(generator)}`);
  }
  if (dtype !== undefined && (!isDType(dtype) || !allowed.includes(dtype))) {
    throw new InvalidArgumentError(`${op}: option 'dtype' must be one of ${allowed.join(', ')}; received ${describe(dtype)}`);
  }
  if (backend !== undefined) checkBackendName(op, "option 'backend'", backend);
  const resolved = { generator: generator ?? defaultGenerator(), dtype: dtype ?? fallback, backend: backend ?? fallbackBackend };
  storageFor(op, resolved.backend, resolved.dtype);
  return resolved;
}

function checkFinite(op: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidArgumentError(`${op}: argument '${arg}' must be a finite number; received ${describe(value)}`);
  }
  return value;
}

function upload(shape: Shape, values: TypedArray, dtype: DType, backendName: string | undefined): Tensor {
  const backend = getBackend(backendName);
  return wrap(backend, backend.adopt(values, dtype), shape, dtype);
}

const scratch64 = new Float64Array(1);
const scratch64Bits = new BigInt64Array(scratch64.buffer);
const scratch32 = new Float32Array(1);
const scratch32Bits = new Int32Array(scratch32.buffer);

/** The largest value of `dtype` strictly below `x` (a float32 `x` must already be a float32 value). */
function nextBelow(x: number, dtype: DType): number {
  if (dtype === 'float32') {
    if (x === 0) return -1.401298464324817e-45;
    scratch32[0] = x;
    scratch32Bits[0] += x > 0 ? -1 : 1;
    return scratch32[0];
  }
  if (x === 0) return -Number.MIN_VALUE;
  scratch64[0] = x;
  scratch64Bits[0] += x > 0 ? -1n : 1n;
  return scratch64[0];
}

/** Fills `out` with uniform values in [0, 1): 24 random bits per float32 element (exact, never 1), 53 per float64. */
function fillUnit(out: Float32Array | Float64Array, generator: Generator): void {
  const n = out.length;
  if (out instanceof Float32Array) {
    // Rounding a 53-bit draw to float32 can give exactly 1; truncating to 24 bits keeps the interval half-open.
    for (let i = 0; i < n; i++) out[i] = Math.floor(generator.uniform() * 16777216) * TWO_POW_MINUS_24;
  } else {
    for (let i = 0; i < n; i++) out[i] = generator.uniform();
  }
}

/**
 * Uniform random values in [0, 1), as `torch.rand`.
 *
 * @param shape - shape of the result
 * @param options - generator, dtype (`float32` default, or `float64`) and backend
 * @example
 * ```ts
 * const g = new Generator(42);
 * const x = rand([2, 3], { generator: g }); // float32 [2, 3], every value in [0, 1)
 * ```
 */
export function rand(shape: Shape, options?: RandomOptions): Tensor {
  const s = checkShape('rand', 'shape', shape);
  const { generator, dtype, backend } = resolveOptions('rand', options, FLOAT_DTYPES, 'float32');
  const out = allocArray(dtype as 'float32' | 'float64', sizeOf(s));
  fillUnit(out, generator);
  return upload(s, out, dtype, backend);
}

/**
 * Uniform random values in [`low`, `high`), as `torch.empty(shape).uniform_(low, high)`.
 * Values are computed in float64 and rounded to the dtype; a value that rounds up to `high` is replaced by the
 * largest representable value below it, so `high` is never returned.
 *
 * @param shape - shape of the result
 * @param low - inclusive lower bound (finite)
 * @param high - exclusive upper bound (finite, greater than `low` after rounding to the dtype)
 * @param options - generator, dtype (`float32` default, or `float64`) and backend
 * @example
 * ```ts
 * const w = uniform([4, 4], -0.5, 0.5, { generator: new Generator(0) });
 * ```
 */
export function uniform(shape: Shape, low: number, high: number, options?: RandomOptions): Tensor {
  const s = checkShape('uniform', 'shape', shape);
  checkFinite('uniform', 'low', low);
  checkFinite('uniform', 'high', high);
  const { generator, dtype, backend } = resolveOptions('uniform', options, FLOAT_DTYPES, 'float32');
  const span = high - low;
  if (!(low < high) || !Number.isFinite(span)) {
    throw new InvalidArgumentError(`uniform: arguments 'low' < 'high' with a finite difference are required; received low=${low}, high=${high}`);
  }
  let top = high;
  if (dtype === 'float32') {
    if (Math.abs(low) > FLOAT32_MAX || Math.abs(high) > FLOAT32_MAX) {
      throw new InvalidArgumentError(`uniform: arguments 'low' and 'high' must be within the float32 range; received low=${low}, high=${high}`);
    }
    top = Math.fround(high);
    if (!(Math.fround(low) < top)) {
      throw new InvalidArgumentError(`uniform: arguments 'low' and 'high' round to the same float32 value; received low=${low}, high=${high}`);
    }
  }
  const below = nextBelow(top, dtype);
  const out = allocArray(dtype as 'float32' | 'float64', sizeOf(s));
  const n = out.length;
  for (let i = 0; i < n; i++) {
    out[i] = low + span * generator.uniform();
    if (out[i] >= top) out[i] = below;
  }
  return upload(s, out, dtype, backend);
}

/** Fills `out` with `mean + std * z`, z standard normal, by Box–Muller using both outputs of each pair of draws. */
function fillNormal(out: Float32Array | Float64Array, generator: Generator, mean: number, std: number): void {
  const n = out.length;
  const twoPi = 2 * Math.PI;
  for (let i = 0; i < n; i += 2) {
    // 1 - u lies in (0, 1], so the logarithm is finite.
    const radius = std * Math.sqrt(-2 * Math.log(1 - generator.uniform()));
    const angle = twoPi * generator.uniform();
    out[i] = mean + radius * Math.cos(angle);
    if (i + 1 < n) out[i + 1] = mean + radius * Math.sin(angle);
  }
}

/**
 * Normal random values with mean `mean` and standard deviation `std`, as `torch.normal(mean, std, shape)`.
 *
 * @param shape - shape of the result
 * @param mean - mean (finite)
 * @param std - standard deviation (finite, ≥ 0)
 * @param options - generator, dtype (`float32` default, or `float64`) and backend
 * @example
 * ```ts
 * const noise = normal([128], 0, 0.02, { generator: new Generator(1) });
 * ```
 */
export function normal(shape: Shape, mean: number, std: number, options?: RandomOptions): Tensor {
  return normalAs('normal', shape, mean, std, options);
}

function normalAs(op: string, shape: Shape, mean: number, std: number, options: RandomOptions | undefined): Tensor {
  const s = checkShape(op, 'shape', shape);
  checkFinite(op, 'mean', mean);
  checkFinite(op, 'std', std);
  if (std < 0) throw new InvalidArgumentError(`${op}: argument 'std' must be ≥ 0; received ${std}`);
  const { generator, dtype, backend } = resolveOptions(op, options, FLOAT_DTYPES, 'float32');
  const out = allocArray(dtype as 'float32' | 'float64', sizeOf(s));
  fillNormal(out, generator, mean, std);
  return upload(s, out, dtype, backend);
}

/**
 * Standard normal random values (mean 0, standard deviation 1), as `torch.randn`.
 *
 * @param shape - shape of the result
 * @param options - generator, dtype (`float32` default, or `float64`) and backend
 * @example
 * ```ts
 * const x = randn([2, 3], { generator: new Generator(7) });
 * ```
 */
export function randn(shape: Shape, options?: RandomOptions): Tensor {
  return normalAs('randn', shape, 0, 1, options);
}

/**
 * Uniform random integers in [`low`, `high`), as `torch.randint(low, high, shape)`.
 *
 * @param low - inclusive lower bound (an integer)
 * @param high - exclusive upper bound (an integer greater than `low`)
 * @param shape - shape of the result
 * @param options - generator, dtype (`int32` default, `float32` or `float64`) and backend; the bounds must be
 *   representable exactly in the dtype (int32 range, ±2^24 for float32, safe integers for float64)
 * @example
 * ```ts
 * const tokens = randint(0, 100, [4, 16], { generator: new Generator(3) }); // int32
 * ```
 */
export function randint(low: number, high: number, shape: Shape, options?: RandomOptions): Tensor {
  for (const [name, v] of [
    ['low', low],
    ['high', high],
  ] as const) {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
      throw new InvalidArgumentError(`randint: argument '${name}' must be an integer; received ${describe(v)}`);
    }
  }
  if (!(low < high)) throw new InvalidArgumentError(`randint: argument 'high' must be greater than 'low'; received low=${low}, high=${high}`);
  const s = checkShape('randint', 'shape', shape);
  const { generator, dtype, backend } = resolveOptions('randint', options, NUMERIC_DTYPES, 'int32');
  const [min, max] =
    dtype === 'int32' ? [-(2 ** 31), 2 ** 31 - 1] : dtype === 'float32' ? [-(2 ** 24), 2 ** 24] : [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
  if (low < min || high - 1 > max) {
    throw new InvalidArgumentError(
      `randint: arguments 'low' and 'high' - 1 must lie in [${min}, ${max}] for dtype ${dtype}; received low=${low}, high=${high}`,
    );
  }
  const out = allocArray(dtype, sizeOf(s));
  const n = out.length;
  const last = high - 1;
  for (let i = 0; i < n; i++) out[i] = generator.int(low, last);
  return upload(s, out, dtype, backend);
}

/**
 * Bernoulli draws: 1 with probability `p`, else 0, as `torch.bernoulli`.
 *
 * @param probs - a probability in [0, 1], or a float32/float64 tensor of probabilities broadcast to `shape`
 * @param shape - shape of the result; defaults to `probs.shape` for a tensor and `[]` for a number
 * @param options - generator, dtype (float32 default for a number, `probs.dtype` for a tensor; int32 and bool
 *   also allowed) and backend (defaults to `probs`' backend)
 * @example
 * ```ts
 * const keep = bernoulli(0.9, [4, 8], { generator: new Generator(5), dtype: 'bool' }); // a dropout mask
 * ```
 */
export function bernoulli(probs: Tensor | number, shape?: Shape, options?: RandomOptions): Tensor {
  const allowed: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];
  if (typeof probs === 'number') {
    if (!(probs >= 0 && probs <= 1)) {
      throw new InvalidArgumentError(`bernoulli: argument 'probs' must be a probability in [0, 1]; received ${describe(probs)}`);
    }
    const s = checkShape('bernoulli', 'shape', shape ?? []);
    const { generator, dtype, backend } = resolveOptions('bernoulli', options, allowed, 'float32');
    const out = allocArray(dtype, sizeOf(s));
    const n = out.length;
    for (let i = 0; i < n; i++) out[i] = generator.uniform() < probs ? 1 : 0;
    return upload(s, out, dtype, backend);
  }
  const p = checkTensor('bernoulli', 'probs', probs);
  if (p.dtype !== 'float32' && p.dtype !== 'float64') {
    throw new DTypeMismatchError(`bernoulli: argument 'probs' must have dtype float32 or float64; received ${p.dtype}`);
  }
  const s = checkShape('bernoulli', 'shape', shape ?? p.shape);
  if (!shapesEqual(broadcastShapes('bernoulli', p.shape, s), s)) {
    throw new ShapeMismatchError(`bernoulli: argument 'probs' of shape ${formatShape(p.shape)} does not broadcast to 'shape' ${formatShape(s)}`);
  }
  const { generator, dtype, backend } = resolveOptions('bernoulli', options, allowed, p.dtype, p.backendName);
  const values = p.dataSync() as Float32Array | Float64Array;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= 0 && v <= 1)) {
      throw new InvalidArgumentError(`bernoulli: argument 'probs' must hold probabilities in [0, 1]; received ${v} at flat index ${i}`);
    }
  }
  const out = allocArray(dtype, sizeOf(s));
  fillBernoulli(out, values, p.shape, s, generator);
  return upload(s, out, dtype, backend);
}

/** One pass over `shape` row by row, reading `probs` through broadcast strides. */
function fillBernoulli(out: TypedArray, probs: Float32Array | Float64Array, probsShape: Shape, shape: Shape, generator: Generator): void {
  const size = out.length;
  if (size === 0) return;
  const rank = shape.length;
  if (rank === 0) {
    out[0] = generator.uniform() < probs[0] ? 1 : 0;
    return;
  }
  const strides = broadcastStrides(probsShape, shape);
  const rowLength = shape[rank - 1];
  const step = strides[rank - 1];
  const counter = new Int32Array(rank);
  let base = 0;
  for (let row = 0; row < size; row += rowLength) {
    for (let i = 0, j = base; i < rowLength; i++, j += step) out[row + i] = generator.uniform() < probs[j] ? 1 : 0;
    for (let d = rank - 2; d >= 0; d--) {
      counter[d]++;
      base += strides[d];
      if (counter[d] < shape[d]) break;
      base -= strides[d] * shape[d];
      counter[d] = 0;
    }
  }
}

/**
 * A random permutation of `0 .. n-1` (Fisher–Yates), as `torch.randperm`.
 *
 * @param n - number of elements (a non-negative integer)
 * @param options - generator, dtype (`int32` default, `float32` or `float64`) and backend
 * @example
 * ```ts
 * const order = permutation(10, { generator: new Generator(0) }); // int32 [10], each of 0..9 once
 * ```
 */
export function permutation(n: number, options?: RandomOptions): Tensor {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_TENSOR_ELEMENTS) {
    throw new InvalidArgumentError(`permutation: argument 'n' must be an integer in [0, ${MAX_TENSOR_ELEMENTS}]; received ${describe(n)}`);
  }
  const { generator, dtype, backend } = resolveOptions('permutation', options, NUMERIC_DTYPES, 'int32');
  if (dtype === 'float32' && n > 2 ** 24) {
    throw new InvalidArgumentError(`permutation: argument 'n' must be at most 2^24 for dtype float32; received ${n}`);
  }
  const out = allocArray(dtype, n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = generator.int(0, i);
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return upload([n], out, dtype, backend);
}
