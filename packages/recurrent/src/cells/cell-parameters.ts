// Creation and checks shared by RNNCell, LSTMCell and GRUCell: PyTorch's parameter layout and default initialisation.
import { init, parameter, type Parameter } from '@seqlab/autograd';
import { reshape, ShapeMismatchError, zeros, formatShape, type DType, type Generator, type Tensor } from '@seqlab/tensor-core';
import { checkBoolean, checkDTypeIs, checkIntegerAtLeast, checkShapeIs, checkTensorArg } from '../validate.js';

/** Options of every recurrent cell. */
export interface CellOptions {
  /** Learn the biases `bias_ih` and `bias_hh`. Default true. */
  bias?: boolean;
  /** Source of the initial values. Default `defaultGenerator()`. */
  generator?: Generator;
  /** Parameter dtype, `float32` (default) or `float64`. */
  dtype?: DType;
  /** Backend of the parameters. Default the active backend. */
  backend?: string;
}

/** The four parameters of a cell (or of one layer direction), in PyTorch's layout. */
export interface CellParameters {
  /** `[gates·hiddenSize, inputSize]`. */
  readonly weightIh: Parameter;
  /** `[gates·hiddenSize, hiddenSize]`. */
  readonly weightHh: Parameter;
  /** `[gates·hiddenSize]`, or null without bias. */
  readonly biasIh: Parameter | null;
  /** `[gates·hiddenSize]`, or null without bias. */
  readonly biasHh: Parameter | null;
}

/** Checks the size arguments of a cell or layer constructor. */
export function checkSizes(op: string, inputSize: unknown, hiddenSize: unknown): void {
  checkIntegerAtLeast(op, 'inputSize', inputSize, 1);
  checkIntegerAtLeast(op, 'hiddenSize', hiddenSize, 1);
}

/**
 * PyTorch's default initialisation for recurrent weights: every parameter from U(−1/√H, 1/√H), drawn in the
 * order weight_ih, weight_hh, bias_ih, bias_hh.
 */
export function createCellParameters(op: string, gates: number, inputSize: number, hiddenSize: number, options: CellOptions): CellParameters {
  const bias = checkBoolean(op, 'bias', options.bias, true, 'option');
  const initOptions = { generator: options.generator, dtype: options.dtype, backend: options.backend };
  const rows = gates * hiddenSize;
  const make = (shape: number[]): Parameter => parameter(init.recurrentUniform(shape, hiddenSize, initOptions));
  const weightIh = make([rows, inputSize]);
  const weightHh = make([rows, hiddenSize]);
  return { weightIh, weightHh, biasIh: bias ? make([rows]) : null, biasHh: bias ? make([rows]) : null };
}

/** A checked cell input: `x` as `[B, I]`, whether it came unbatched (`[I]`), and the batch size. */
export interface CellInput {
  readonly x: Tensor;
  readonly unbatched: boolean;
  readonly batch: number;
}

/** Checks a cell's `x` (`[B, inputSize]` or unbatched `[inputSize]`) and views it as `[B, inputSize]`. */
export function checkCellInput(op: string, value: unknown, inputSize: number, dtype: string): CellInput {
  const x = checkTensorArg(op, 'x', value);
  if ((x.rank !== 1 && x.rank !== 2) || x.shape[x.rank - 1] !== inputSize) {
    throw new ShapeMismatchError(`${op}: argument 'x' must have shape [batch, ${inputSize}] or [${inputSize}]; received shape ${formatShape(x.shape)}`);
  }
  if (x.rank === 2 && x.shape[0] === 0) {
    throw new ShapeMismatchError(`${op}: argument 'x' must hold at least one sequence; received an empty batch of shape ${formatShape(x.shape)}`);
  }
  checkDTypeIs(op, 'x', x, dtype);
  const unbatched = x.rank === 1;
  return { x: unbatched ? reshape(x, [1, inputSize]) : x, unbatched, batch: unbatched ? 1 : x.shape[0] };
}

/** Checks a cell state (`[B, H]`, or `[H]` with unbatched input) and views it as `[B, H]`; zeros when absent. */
export function checkCellState(op: string, name: string, value: unknown, input: CellInput, hiddenSize: number, like: Tensor): Tensor {
  if (value === undefined || value === null) return zeros([input.batch, hiddenSize], { dtype: like.dtype, backend: like.backendName });
  const h = checkTensorArg(op, name, value);
  const expected = input.unbatched ? [hiddenSize] : [input.batch, hiddenSize];
  checkShapeIs(op, name, h, expected, input.unbatched ? '[hiddenSize] for an unbatched input' : '[batch, hiddenSize]');
  checkDTypeIs(op, name, h, like.dtype);
  return input.unbatched ? reshape(h, [1, hiddenSize]) : h;
}

/** Undoes the unbatched view of a cell result. */
export function cellOutput(t: Tensor, input: CellInput): Tensor {
  return input.unbatched ? reshape(t, [t.shape[1]]) : t;
}
