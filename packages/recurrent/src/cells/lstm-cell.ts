// LSTMCell: one LSTM step with PyTorch's gate order i, f, g, o, as torch.nn.LSTMCell.
import { InvalidArgumentError, type Tensor } from '@seqlab/tensor-core';
import { describeValue } from '../validate.js';
import { lstmStep } from '../layers/lstm-sequence.js';
import { inputProjection } from './cell-math.js';
import { cellOutput, checkCellInput, checkCellState, type CellOptions } from './cell-parameters.js';
import { GatedCell } from './gated-cell.js';

/**
 * One LSTM step, as `torch.nn.LSTMCell`: `gates = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh` split into i, f, g, o;
 * `c' = σ(f)·c + σ(i)·tanh(g)`, `h' = σ(o)·tanh(c')`. Parameters `weight_ih` `[4H, I]` (rows
 * `[W_ii; W_if; W_ig; W_io]`), `weight_hh` `[4H, H]`, `bias_ih` and `bias_hh` `[4H]`, initialised from U(−1/√H, 1/√H).
 *
 * @example
 * ```ts
 * const cell = new LSTMCell(3, 4);
 * const [h1, c1] = cell.forward(x);           // zero initial state
 * const [h2, c2] = cell.forward(x2, [h1, c1]);
 * ```
 */
export class LSTMCell extends GatedCell {
  constructor(inputSize: number, hiddenSize: number, options: CellOptions = {}) {
    super('LSTMCell', 4, inputSize, hiddenSize, options);
  }

  /**
   * The next `[h, c]`.
   * @param x - `[batch, inputSize]`, or `[inputSize]` unbatched
   * @param state - `[h, c]`, each `[batch, hiddenSize]` (`[hiddenSize]` unbatched); zeros when omitted
   */
  forward(x: Tensor, state?: readonly [Tensor, Tensor] | null): [Tensor, Tensor] {
    const op = 'LSTMCell.forward';
    const input = checkCellInput(op, x, this.inputSize, this.weight_ih.dtype);
    if (state !== undefined && state !== null && (!Array.isArray(state) || state.length !== 2)) {
      throw new InvalidArgumentError(`${op}: argument 'state' must be a pair [h, c]; received ${describeValue(state)}`);
    }
    const h = checkCellState(op, 'h', state?.[0], input, this.hiddenSize, this.weight_ih);
    const c = checkCellState(op, 'c', state?.[1], input, this.hiddenSize, this.weight_ih);
    const [h1, c1] = lstmStep(inputProjection(input.x, this.weight_ih, this.bias_ih), h, c, this.weight_hh, this.bias_hh);
    return [cellOutput(h1, input), cellOutput(c1, input)];
  }
}
