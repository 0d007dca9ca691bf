// GRUCell: one GRU step with PyTorch's gate order r, z, n and b_hn inside the reset product, as torch.nn.GRUCell.
import type { Tensor } from '@seqlab/tensor-core';
import { gruStep } from '../layers/gru-sequence.js';
import { inputProjection } from './cell-math.js';
import { cellOutput, checkCellInput, checkCellState, type CellOptions } from './cell-parameters.js';
import { GatedCell } from './gated-cell.js';

/**
 * One GRU step, as `torch.nn.GRUCell`: `r = σ(W_ir x + b_ir + W_hr h + b_hr)`, `z = σ(W_iz x + b_iz + W_hz h + b_hz)`,
 * `n = tanh(W_in x + b_in + r·(W_hn h + b_hn))`, `h' = (1−z)·n + z·h`. Note `b_hn` sits inside the reset product
 * (PyTorch's and cuDNN's convention, unlike the original paper). Parameters `weight_ih` `[3H, I]` (rows
 * `[W_ir; W_iz; W_in]`), `weight_hh` `[3H, H]`, `bias_ih` and `bias_hh` `[3H]`.
 *
 * @example
 * ```ts
 * const cell = new GRUCell(3, 4);
 * const h1 = cell.forward(x);     // zero initial state
 * const h2 = cell.forward(x2, h1);
 * ```
 */
export class GRUCell extends GatedCell {
  constructor(inputSize: number, hiddenSize: number, options: CellOptions = {}) {
    super('GRUCell', 3, inputSize, hiddenSize, options);
  }

  /**
   * The next hidden state.
   * @param x - `[batch, inputSize]`, or `[inputSize]` unbatched
   * @param h - `[batch, hiddenSize]` (`[hiddenSize]` unbatched); zeros when omitted
   */
  forward(x: Tensor, h?: Tensor | null): Tensor {
    const input = checkCellInput('GRUCell.forward', x, this.inputSize, this.weight_ih.dtype);
    const state = checkCellState('GRUCell.forward', 'h', h, input, this.hiddenSize, this.weight_ih);
    return cellOutput(gruStep(inputProjection(input.x, this.weight_ih, this.bias_ih), state, this.weight_hh, this.bias_hh), input);
  }
}
