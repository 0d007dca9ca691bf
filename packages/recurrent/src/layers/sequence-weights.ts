// What the fused LSTM and GRU custom ops share: the weight inputs of a layer direction, biases last when present, and
// whether a call keeps the workspace its backward pass reads.
import { isGradEnabled } from '@seqlab/autograd';
import { InvalidArgumentError, type Tensor } from '@seqlab/tensor-core';
import type { CellParameters } from '../cells/cell-parameters.js';
import type { DirectionState } from './recurrent-layer.js';

/** What the fused LSTM and GRU glue take besides their kernels: `x` `[T, B, I]`, the initial state and the direction. */
export type SequenceArgs = [x: Tensor, state: DirectionState, weights: CellParameters, lengths: Int32Array | null, reverse: boolean, batchFirst: boolean];

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

/**
 * Whether a fused call on `inputs` must keep its backward workspace: only when gradients are on and some input
 * requires one (what decides whether the custom op records a backward at all). Inference skips writing it.
 */
export function keepsWorkspace(inputs: readonly Tensor[]): boolean {
  return isGradEnabled() && inputs.some((t) => t.requiresGrad);
}

/** The workspace a fused forward saved, every field present (a backward pass runs only after a call that kept it). */
export function savedWorkspace<K extends string>(op: string, saved: { readonly [k in K]: Tensor | null }): { readonly [k in K]: Tensor } {
  for (const [name, t] of Object.entries<Tensor | null>(saved)) {
    if (t === null)
      throw new InvalidArgumentError(`${op} backward: saved workspace '${name}' must be a tensor; received null (the forward ran without saving)`);
  }
  return saved as { readonly [k in K]: Tensor };
}
