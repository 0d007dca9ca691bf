// Weight initialisers with PyTorch's formulas (torch.nn.init): each returns a new tensor of the requested shape.
import {
  checkPositiveInt,
  full,
  InvalidArgumentError,
  normal as normalTensor,
  tensor,
  uniform as uniformTensor,
  defaultGenerator,
  formatShape,
  type DType,
  type Generator,
  type Shape,
  type Tensor,
} from '@seqlab/tensor-core';
import { householderQ } from './householder-qr.js';

/** Options of every initialiser. */
export interface InitOptions {
  /** Source of randomness; defaults to tensor-core's `defaultGenerator()`. The generator advances. */
  generator?: Generator;
  /** Element type of the result: float32 (default) or float64. */
  dtype?: DType;
  /** Backend name; defaults to the active backend. */
  backend?: string;
}

/** Nonlinearities known to {@link calculateGain}. */
export type Nonlinearity = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'selu' | 'conv1d' | 'conv2d';

/** Fan mode of the Kaiming initialisers: preserve the forward (`fanIn`) or backward (`fanOut`) variance. */
export type FanMode = 'fanIn' | 'fanOut';

/**
 * The recommended gain for a nonlinearity, as `torch.nn.init.calculate_gain`: 1 for linear and sigmoid,
 * 5/3 for tanh, √2 for relu, √(2/(1+slope²)) for leaky relu (slope `param`, default 0.01), 3/4 for selu.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'sigmoid':
    case 'conv1d':
    case 'conv2d':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leakyRelu': {
      const slope = param ?? 0.01;
      if (typeof slope !== 'number' || !Number.isFinite(slope)) {
        throw new InvalidArgumentError(`calculateGain: argument 'param' must be a finite negative slope; received ${String(param)}`);
      }
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new InvalidArgumentError(`calculateGain: unknown nonlinearity ${JSON.stringify(nonlinearity)}`);
  }
}

/**
 * `[fanIn, fanOut]` of a weight shape as PyTorch computes them: for `[out, in, ...kernel]`,
 * fanIn = in·Πkernel and fanOut = out·Πkernel. Needs at least 2 dimensions.
 */
export function computeFans(shape: Shape): [number, number] {
  if (!Array.isArray(shape) || shape.length < 2) {
    throw new InvalidArgumentError(
      `computeFans: fan in and fan out need a shape of at least 2 dimensions; received ${Array.isArray(shape) ? formatShape(shape) : String(shape)}`,
    );
  }
  let receptive = 1;
  for (let i = 2; i < shape.length; i++) receptive *= shape[i];
  return [shape[1] * receptive, shape[0] * receptive];
}

/** Values drawn from U(low, high). */
export function uniform(shape: Shape, low = 0, high = 1, options?: InitOptions): Tensor {
  return uniformTensor(shape, low, high, options);
}

/** Values drawn from N(mean, std²). */
export function normal(shape: Shape, mean = 0, std = 1, options?: InitOptions): Tensor {
  return normalTensor(shape, mean, std, options);
}

/** A tensor filled with `value`. */
export function constant(shape: Shape, value: number, options: Omit<InitOptions, 'generator'> = {}): Tensor {
  return full(shape, value, { dtype: options.dtype ?? 'float32', backend: options.backend });
}

/** A tensor of zeros. */
export function zerosInit(shape: Shape, options: Omit<InitOptions, 'generator'> = {}): Tensor {
  return constant(shape, 0, options);
}

/** A tensor of ones. */
export function onesInit(shape: Shape, options: Omit<InitOptions, 'generator'> = {}): Tensor {
  return constant(shape, 1, options);
}

/** Glorot/Xavier uniform: U(−a, a) with a = gain·√(6/(fanIn+fanOut)), as `xavier_uniform_`. */
export function xavierUniform(shape: Shape, options: InitOptions & { gain?: number } = {}): Tensor {
  const [fanIn, fanOut] = computeFans(shape);
  const bound = (options.gain ?? 1) * Math.sqrt(6 / (fanIn + fanOut));
  return uniformTensor(shape, -bound, bound, options);
}

/** Glorot/Xavier normal: N(0, std²) with std = gain·√(2/(fanIn+fanOut)), as `xavier_normal_`. */
export function xavierNormal(shape: Shape, options: InitOptions & { gain?: number } = {}): Tensor {
  const [fanIn, fanOut] = computeFans(shape);
  return normalTensor(shape, 0, (options.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut)), options);
}

/** Alias of {@link xavierUniform}. */
export const glorotUniform = xavierUniform;
/** Alias of {@link xavierNormal}. */
export const glorotNormal = xavierNormal;

/** Options of the Kaiming (He) initialisers, as `kaiming_uniform_(a, mode, nonlinearity)`. */
export interface KaimingOptions extends InitOptions {
  /** Negative slope of the leaky relu that follows (used when `nonlinearity` is `leakyRelu`). Default 0. */
  a?: number;
  /** Which fan to normalise by. Default `fanIn`. */
  mode?: FanMode;
  /** The nonlinearity that follows. Default `leakyRelu` (PyTorch's default). */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(shape: Shape, options: KaimingOptions): number {
  const [fanIn, fanOut] = computeFans(shape);
  const mode = options.mode ?? 'fanIn';
  if (mode !== 'fanIn' && mode !== 'fanOut')
    throw new InvalidArgumentError(`kaiming: option 'mode' must be 'fanIn' or 'fanOut'; received ${JSON.stringify(mode)}`);
  const gain = calculateGain(options.nonlinearity ?? 'leakyRelu', options.a ?? 0);
  return gain / Math.sqrt(mode === 'fanIn' ? fanIn : fanOut);
}

/** Kaiming/He uniform: U(−b, b) with b = gain·√(3/fan), as `kaiming_uniform_`. */
export function kaimingUniform(shape: Shape, options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(shape, options);
  return uniformTensor(shape, -bound, bound, options);
}

/** Kaiming/He normal: N(0, (gain/√fan)²), as `kaiming_normal_`. */
export function kaimingNormal(shape: Shape, options: KaimingOptions = {}): Tensor {
  return normalTensor(shape, 0, kaimingStd(shape, options), options);
}

/**
 * A (semi-)orthogonal matrix, as `orthogonal_`: the shape is viewed as `[rows, rest]`, a Gaussian matrix is
 * QR-factorised (Householder, in float64) and Q, sign-corrected so that R's diagonal is positive, is scaled by `gain`.
 * Rows are orthonormal when rows ≤ cols, columns otherwise. A 1024×256 matrix takes a fraction of a second.
 */
export function orthogonal(shape: Shape, options: InitOptions & { gain?: number } = {}): Tensor {
  if (!Array.isArray(shape) || shape.length < 2) {
    throw new InvalidArgumentError(
      `orthogonal: the shape must have at least 2 dimensions; received ${Array.isArray(shape) ? formatShape(shape) : String(shape)}`,
    );
  }
  const rows = shape[0];
  const cols = shape.slice(1).reduce((a, b) => a * b, 1);
  const gain = options.gain ?? 1;
  const generator = options.generator ?? defaultGenerator();
  const tall = rows >= cols;
  const m = tall ? rows : cols;
  const n = tall ? cols : rows;
  const g = new Float64Array(m * n);
  for (let i = 0; i < g.length; i++) g[i] = generator.normal();
  const q = householderQ(g, m, n);
  const out = new Float64Array(rows * cols);
  if (tall) for (let i = 0; i < out.length; i++) out[i] = gain * q[i];
  else for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = gain * q[j * n + i];
  return tensor(out, [...shape], { dtype: options.dtype ?? 'float32', backend: options.backend });
}

/**
 * PyTorch's default for recurrent layers (RNN, LSTM, GRU and their cells): every weight and bias from
 * U(−1/√hiddenSize, 1/√hiddenSize).
 */
export function recurrentUniform(shape: Shape, hiddenSize: number, options?: InitOptions): Tensor {
  checkPositiveInt('recurrentUniform', 'hiddenSize', hiddenSize);
  const bound = 1 / Math.sqrt(hiddenSize);
  return uniformTensor(shape, -bound, bound, options);
}
