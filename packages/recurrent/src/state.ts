// The recurrent state carried between calls, and detaching it for truncated backpropagation through time.
import { detach } from '@seqlab/autograd';
import type { Tensor } from '@seqlab/tensor-core';

/**
 * The state a recurrent stack hands to its next call: `h` (and `c` for an LSTM), each
 * `[numLayers·directions, batch, hiddenSize]`.
 */
export interface RecurrentState {
  /** Hidden state. */
  readonly h: Tensor;
  /** Cell state (LSTM only). */
  readonly c?: Tensor;
}

/**
 * The same state values cut from the graph, for truncated BPTT: carry the state of one chunk into the next so the
 * model sees the whole stream, while gradients stop at the chunk boundary (and the previous graph can be freed).
 *
 * @example
 * ```ts
 * let state: RecurrentState | null = null;
 * for (const { inputs, targets } of chunks) {
 *   const { loss, state: next } = model.loss(inputs, targets, state);
 *   loss.backward();
 *   optimizer.step();
 *   optimizer.zeroGrad();
 *   state = detachState(next);
 * }
 * ```
 */
export function detachState(state: RecurrentState): RecurrentState {
  return state.c === undefined ? { h: detach(state.h) } : { h: detach(state.h), c: detach(state.c) };
}
