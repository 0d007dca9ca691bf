// Choosing a recurrent layer kind by name and running any of them with a uniform state, for the models built on them.
import { InvalidArgumentError, type Tensor } from '@seqlab/tensor-core';
import type { RecurrentState } from '../state.js';
import { describeValue } from '../validate.js';
import { GRU } from './gru.js';
import { LSTM } from './lstm.js';
import type { RecurrentLayerOptions, StepHook } from './recurrent-layer.js';
import { RNN } from './rnn.js';
import type { SequenceLengths } from './sequence-lengths.js';

/** The recurrent layer kinds a model can be built from. */
export type CellType = 'rnn' | 'lstm' | 'gru';

/** Any of the recurrent layers. */
export type AnyRecurrentLayer = RNN | LSTM | GRU;

/**
 * Checks a `cell` option.
 *
 * @example
 * ```ts
 * const cell = checkCellType('MyModel', 'lstm'); // typed CellType
 * try {
 *   checkCellType('MyModel', 'transformer');
 * } catch (e) {
 *   console.assert(e instanceof InvalidArgumentError && e.code === 'INVALID_ARGUMENT');
 * }
 * ```
 */
export function checkCellType(op: string, value: unknown): CellType {
  if (value !== 'rnn' && value !== 'lstm' && value !== 'gru') {
    throw new InvalidArgumentError(`${op}: option 'cell' must be 'rnn', 'lstm' or 'gru'; received ${describeValue(value)}`);
  }
  return value;
}

/**
 * A new layer of the named kind (`rnn` is the tanh RNN).
 *
 * @example
 * ```ts
 * const layer = createRecurrentLayer('gru', 3, 4, { numLayers: 2, batchFirst: true });
 * console.assert(layer instanceof GRU && layer.numLayers === 2);
 * layer.forward(randn([2, 5, 3])).output.shape; // [2, 5, 4]
 * ```
 */
export function createRecurrentLayer(cell: CellType, inputSize: number, hiddenSize: number, options: RecurrentLayerOptions): AnyRecurrentLayer {
  if (cell === 'lstm') return new LSTM(inputSize, hiddenSize, options);
  if (cell === 'gru') return new GRU(inputSize, hiddenSize, options);
  return new RNN(inputSize, hiddenSize, options);
}

/** A recurrent layer's output and final state. */
export interface RecurrentRunResult {
  /** The top layer's hidden states at every step, in the layer's layout. */
  readonly output: Tensor;
  /** The final state. */
  readonly state: RecurrentState;
}

/**
 * Runs `layer` from `state` (zeros when null) and returns its output and final state in one shape for every kind.
 *
 * @example
 * ```ts
 * const lstm = createRecurrentLayer('lstm', 3, 4, { batchFirst: true });
 * const first = runRecurrentLayer(lstm, randn([2, 5, 3]), null); // from zeros
 * const next = runRecurrentLayer(lstm, randn([2, 5, 3]), first.state); // continues the same sequences
 * console.assert(next.output.shape.join() === '2,5,4' && next.state.c!.shape.join() === '1,2,4');
 * ```
 */
export function runRecurrentLayer(
  layer: AnyRecurrentLayer,
  x: Tensor,
  state: RecurrentState | null,
  lengths?: SequenceLengths | null,
  hook?: StepHook,
): RecurrentRunResult {
  if (layer instanceof LSTM) {
    const r = layer.forwardWithHook(x, { h0: state?.h, c0: state?.c, lengths }, hook);
    return { output: r.output, state: { h: r.hN, c: r.cN } };
  }
  const r = layer.forwardWithHook(x, { h0: state?.h, lengths }, hook);
  return { output: r.output, state: { h: r.hN } };
}
