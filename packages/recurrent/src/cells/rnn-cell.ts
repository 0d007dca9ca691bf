// RNNCell: one step of a vanilla (Elman) RNN with tanh or relu, as torch.nn.RNNCell.
import { Module, type Parameter } from '@seqlab/autograd';
import { InvalidArgumentError, type Tensor } from '@seqlab/tensor-core';
import { describeValue } from '../validate.js';
import { inputProjection, rnnStep, type RNNNonlinearity } from './cell-math.js';
import { cellOutput, checkCellInput, checkCellState, checkSizes, createCellParameters, type CellOptions } from './cell-parameters.js';

/** Options of {@link RNNCell}. */
export interface RNNCellOptions extends CellOptions {
  /** `tanh` (default) or `relu`. */
  nonlinearity?: RNNNonlinearity;
}

/**
 * Checks the `nonlinearity` option of RNNCell and RNN.
 *
 * @example
 * ```ts
 * console.assert(checkNonlinearity('MyRNN', undefined) === 'tanh' && checkNonlinearity('MyRNN', 'relu') === 'relu');
 * try {
 *   checkNonlinearity('MyRNN', 'gelu');
 * } catch (e) {
 *   console.assert(e instanceof InvalidArgumentError && e.code === 'INVALID_ARGUMENT');
 * }
 * ```
 */
export function checkNonlinearity(op: string, value: unknown): RNNNonlinearity {
  if (value === undefined) return 'tanh';
  if (value !== 'tanh' && value !== 'relu') {
    throw new InvalidArgumentError(`${op}: option 'nonlinearity' must be 'tanh' or 'relu'; received ${describeValue(value)}`);
  }
  return value;
}

/**
 * One step of a vanilla RNN, `h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)` (or relu), as `torch.nn.RNNCell`.
 * Parameters `weight_ih` `[H, I]`, `weight_hh` `[H, H]`, `bias_ih` and `bias_hh` `[H]`, initialised from
 * U(−1/√H, 1/√H).
 *
 * @example
 * ```ts
 * const cell = new RNNCell(3, 4, { generator: new Generator(0) });
 * let h = zeros([2, 4]);
 * for (const x of steps) h = cell.forward(x, h); // x: [2, 3]
 * ```
 */
export class RNNCell extends Module {
  /** Input features per step. */
  readonly inputSize: number;
  /** Hidden state size. */
  readonly hiddenSize: number;
  /** `tanh` or `relu`. */
  readonly nonlinearity: RNNNonlinearity;
  /** `[hiddenSize, inputSize]`. */
  readonly weight_ih: Parameter;
  /** `[hiddenSize, hiddenSize]`. */
  readonly weight_hh: Parameter;
  /** `[hiddenSize]`, or null without bias. */
  readonly bias_ih: Parameter | null;
  /** `[hiddenSize]`, or null without bias. */
  readonly bias_hh: Parameter | null;

  constructor(inputSize: number, hiddenSize: number, options: RNNCellOptions = {}) {
    super();
    checkSizes('RNNCell', inputSize, hiddenSize);
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.nonlinearity = checkNonlinearity('RNNCell', options.nonlinearity);
    const p = createCellParameters('RNNCell', 1, inputSize, hiddenSize, options);
    this.weight_ih = p.weightIh;
    this.weight_hh = p.weightHh;
    this.bias_ih = p.biasIh;
    this.bias_hh = p.biasHh;
  }

  /**
   * The next hidden state.
   * @param x - `[batch, inputSize]`, or `[inputSize]` unbatched
   * @param h - `[batch, hiddenSize]` (`[hiddenSize]` unbatched); zeros when omitted
   */
  forward(x: Tensor, h?: Tensor | null): Tensor {
    const input = checkCellInput('RNNCell.forward', x, this.inputSize, this.weight_ih.dtype);
    const state = checkCellState('RNNCell.forward', 'h', h, input, this.hiddenSize, this.weight_ih);
    const next = rnnStep(inputProjection(input.x, this.weight_ih, this.bias_ih), state, this.weight_hh, this.bias_hh, this.nonlinearity);
    return cellOutput(next, input);
  }
}
