// GRU: multi-layer GRU with PyTorch's gate order and b_hn convention, fused on backends that offer the kernel, as torch.nn.GRU.
import type { Tensor } from '@seqlab/tensor-core';
import type { CellParameters } from '../cells/cell-parameters.js';
import { gruSequence, gruStep } from './gru-sequence.js';
import {
  RecurrentLayer,
  type DirectionResult,
  type DirectionState,
  type RecurrentForwardOptions,
  type RecurrentLayerOptions,
  type RecurrentOutput,
  type StepHook,
} from './recurrent-layer.js';

/**
 * Multi-layer GRU, as `torch.nn.GRU`: per layer `r = σ(W_ir x + b_ir + W_hr h + b_hr)`,
 * `z = σ(W_iz x + b_iz + W_hz h + b_hz)`, `n = tanh(W_in x + b_in + r·(W_hn h + b_hn))`, `h' = (1−z)·n + z·h`.
 * Parameter names and layouts are PyTorch's (`weight_ih_l0` is `[3H, I]` with rows `[W_ir; W_iz; W_in]`).
 * Uses the backend's fused sequence kernel when there is one, like {@link LSTM}.
 *
 * @example
 * ```ts
 * const gru = new GRU(3, 4, { batchFirst: true, bidirectional: true });
 * const { output, hN } = gru.forward(x); // x: [2, 5, 3] → output [2, 5, 8], hN [2, 2, 4]
 * ```
 */
export class GRU extends RecurrentLayer {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentLayerOptions = {}) {
    super('GRU', 3, inputSize, hiddenSize, options);
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
    const { output, states } = this.run('GRU.forward', x, options.lengths, [['h0', options.h0]], hook);
    return { output, hN: states[0] };
  }

  /** @internal */
  protected step(xProj: Tensor, [h]: DirectionState, cell: CellParameters): DirectionState {
    return [gruStep(xProj, h, cell.weightHh, cell.biasHh)];
  }

  /** @internal */
  protected readonly runSequence = gruSequence;
}
