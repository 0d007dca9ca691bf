// RNN: multi-layer vanilla (Elman) RNN with tanh or relu, as torch.nn.RNN.
import type { Tensor } from '@seqlab/tensor-core';
import { rnnStep, type RNNNonlinearity } from '../cells/cell-math.js';
import type { CellParameters } from '../cells/cell-parameters.js';
import { checkNonlinearity } from '../cells/rnn-cell.js';
import {
  RecurrentLayer,
  type DirectionRunner,
  type DirectionState,
  type RecurrentForwardOptions,
  type RecurrentLayerOptions,
  type RecurrentOutput,
  type StepHook,
} from './recurrent-layer.js';

/** Options of {@link RNN}. */
export interface RNNOptions extends RecurrentLayerOptions {
  /** `tanh` (default) or `relu`. */
  nonlinearity?: RNNNonlinearity;
}

/**
 * Multi-layer vanilla RNN, as `torch.nn.RNN`: `h_t = tanh(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh)` (or relu) per
 * layer, with PyTorch's parameter names (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, `…_reverse`)
 * and layouts, so a PyTorch `state_dict` loads unchanged.
 *
 * @example
 * ```ts
 * const rnn = new RNN(3, 4, { batchFirst: true, generator: new Generator(0) });
 * const { output, hN } = rnn.forward(randn([2, 5, 3])); // output [2, 5, 4], hN [1, 2, 4]
 * ```
 */
export class RNN extends RecurrentLayer {
  /** `tanh` or `relu`. */
  readonly nonlinearity: RNNNonlinearity;

  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super('RNN', 1, inputSize, hiddenSize, options);
    this.nonlinearity = checkNonlinearity('RNN', options.nonlinearity);
  }

  /**
   * Runs the layers over `x` (`[seq, batch, inputSize]`, `[batch, seq, inputSize]` with `batchFirst`, or
   * `[seq, inputSize]` unbatched).
   */
  forward(x: Tensor, options: RecurrentForwardOptions = {}): RecurrentOutput {
    return this.forwardWithHook(x, options);
  }

  /** `forward` with a hook on every step's hidden state (used by the gradient-flow probe). @internal */
  forwardWithHook(x: Tensor, options: RecurrentForwardOptions, hook?: StepHook): RecurrentOutput {
    const { output, states } = this.run('RNN.forward', x, options.lengths, [['h0', options.h0]], hook);
    return { output, hN: states[0] };
  }

  /** @internal */
  protected step(xProj: Tensor, [h]: DirectionState, cell: CellParameters): DirectionState {
    return [rnnStep(xProj, h, cell.weightHh, cell.biasHh, this.nonlinearity)];
  }

  /** No backend has a fused vanilla RNN: always the composed step loop. @internal */
  protected readonly runSequence: DirectionRunner = (...args) => args[7]();
}
