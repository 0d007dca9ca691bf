// What the fused LSTM and GRU custom ops share: the weight inputs of a layer direction, biases last when present.
import type { Tensor } from '@seqlab/tensor-core';
import type { CellParameters } from '../cells/cell-parameters.js';
import type { DirectionState } from './recurrent-layer.js';

/** What the fused LSTM and GRU glue take besides their kernels: `x` `[T, B, I]`, the initial state and the direction. */
export type SequenceArgs = [x: Tensor, state: DirectionState, weights: CellParameters, lengths: Int32Array | null, reverse: boolean];

/** The weight inputs of one fused layer-direction call. */
export interface FusedSequenceCall {
  /** Whether the layer has the biases (both or neither). */
  readonly hasBias: boolean;
  /** Names of the weight inputs of the custom op, biases last when present. */
  readonly weightNames: string[];
  /** The weight inputs, in the order of `weightNames`. */
  readonly weights: Tensor[];
}

/** The weight inputs of a layer direction's `weights`. */
export function fusedSequenceCall(weights: CellParameters): FusedSequenceCall {
  const hasBias = weights.biasIh !== null && weights.biasHh !== null;
  return {
    hasBias,
    weightNames: hasBias ? ['weightIh', 'weightHh', 'biasIh', 'biasHh'] : ['weightIh', 'weightHh'],
    weights: hasBias ? [weights.weightIh, weights.weightHh, weights.biasIh as Tensor, weights.biasHh as Tensor] : [weights.weightIh, weights.weightHh],
  };
}
