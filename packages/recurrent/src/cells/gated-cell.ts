// GatedCell: the parameters and sizes LSTMCell and GRUCell share, in PyTorch's layout.
import { Module, type Parameter } from '@seqlab/autograd';
import { checkSizes, createCellParameters, type CellOptions } from './cell-parameters.js';

/**
 * Base of {@link LSTMCell} and {@link GRUCell}: `gates` blocks of `hiddenSize` rows stacked in each parameter,
 * initialised from U(−1/√H, 1/√H) in the order weight_ih, weight_hh, bias_ih, bias_hh.
 *
 * @example
 * ```ts
 * const cells: GatedCell[] = [new LSTMCell(3, 4), new GRUCell(3, 4, { bias: false })];
 * cells.map((cell) => cell.weight_ih.shape); // [[16, 3], [12, 3]]: 4 and 3 gate blocks of hiddenSize rows
 * console.assert(cells[0].bias_hh!.shape[0] === 16 && cells[1].bias_hh === null);
 * ```
 */
export abstract class GatedCell extends Module {
  /** Input features per step. */
  readonly inputSize: number;
  /** Hidden (and, for the LSTM, cell) state size. */
  readonly hiddenSize: number;
  /** `[gates·hiddenSize, inputSize]`. */
  readonly weight_ih: Parameter;
  /** `[gates·hiddenSize, hiddenSize]`. */
  readonly weight_hh: Parameter;
  /** `[gates·hiddenSize]`, or null without bias. */
  readonly bias_ih: Parameter | null;
  /** `[gates·hiddenSize]`, or null without bias. */
  readonly bias_hh: Parameter | null;

  /**
   * @param op - the cell's name, for errors
   * @param gates - gate blocks per parameter (4 for the LSTM, 3 for the GRU)
   */
  protected constructor(op: string, gates: number, inputSize: number, hiddenSize: number, options: CellOptions) {
    super();
    checkSizes(op, inputSize, hiddenSize);
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    const p = createCellParameters(op, gates, inputSize, hiddenSize, options);
    this.weight_ih = p.weightIh;
    this.weight_hh = p.weightHh;
    this.bias_ih = p.biasIh;
    this.bias_hh = p.biasHh;
  }
}
