// LSTM: multi-layer LSTM with PyTorch's gate order, fused on backends that offer the sequence kernel, as torch.nn.LSTM.
import type { Tensor } from '@seqlab/tensor-core';
import type { CellParameters } from '../cells/cell-parameters.js';
import { lstmSequence, lstmStep } from './lstm-sequence.js';
import {
  RecurrentLayer,
  type DirectionResult,
  type DirectionState,
  type RecurrentForwardOptions,
  type RecurrentLayerOptions,
  type RecurrentOutput,
  type StepHook,
} from './recurrent-layer.js';

/** Inputs besides `x` of {@link LSTM.forward}. */
export interface LSTMForwardOptions extends RecurrentForwardOptions {
  /** Initial cell state, shaped like `h0`; zeros when omitted. */
  c0?: Tensor | null;
}

/** Result of {@link LSTM.forward}. */
export interface LSTMOutput extends RecurrentOutput {
  /** Final cell state of every layer and direction: `[numLayers·directions, batch, hiddenSize]`. */
  readonly cN: Tensor;
}

/**
 * Multi-layer LSTM, as `torch.nn.LSTM`: per layer `gates = x_t·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh` split into i, f, g, o,
 * `c_t = σ(f)·c_{t−1} + σ(i)·tanh(g)`, `h_t = σ(o)·tanh(c_t)`. Parameter names and layouts are PyTorch's
 * (`weight_ih_l0` is `[4H, I]` with rows `[W_ii; W_if; W_ig; W_io]`).
 *
 * On a backend with fused recurrent kernels (the cpu and wasm backends have them) each layer direction runs as one op: all
 * input projections in one product, then per step one recurrent product and the gate math in a single pass, with a
 * hand-written backward. Set `fused: false` to use composed ops instead; both give the same numbers.
 *
 * @example
 * ```ts
 * const lstm = new LSTM(3, 4, { numLayers: 2, batchFirst: true });
 * const { output, hN, cN } = lstm.forward(x, { lengths: [5, 3] }); // x: [2, 5, 3]
 * ```
 */
export class LSTM extends RecurrentLayer {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentLayerOptions = {}) {
    super('LSTM', 4, inputSize, hiddenSize, options);
  }

  /**
   * Runs the layers over `x` (`[seq, batch, inputSize]`, `[batch, seq, inputSize]` with `batchFirst`, or
   * `[seq, inputSize]` unbatched).
   */
  forward(x: Tensor, options: LSTMForwardOptions = {}): LSTMOutput {
    return this.forwardWithHook(x, options);
  }

  /** `forward` with a hook on every step's hidden state (used by the gradient-flow probe). @internal */
  forwardWithHook(x: Tensor, options: LSTMForwardOptions, hook?: StepHook): LSTMOutput {
    const { output, states } = this.run(
      'LSTM.forward',
      x,
      options.lengths,
      [
        ['h0', options.h0],
        ['c0', options.c0],
      ],
      hook,
    );
    return { output, hN: states[0], cN: states[1] };
  }

  /** @internal */
  protected step(xProj: Tensor, [h, c]: DirectionState, cell: CellParameters): DirectionState {
    return lstmStep(xProj, h, c, cell.weightHh, cell.biasHh);
  }

  /** @internal */
  protected readonly runSequence = lstmSequence;
}
