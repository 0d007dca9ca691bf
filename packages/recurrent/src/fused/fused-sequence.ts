// What the fused LSTM and GRU custom ops share: the sizes of the call, wrapping kernel storages, and the weight inputs.
import { Tensor, type DataHandle } from '@seqlab/tensor-core';
import type { CellParameters } from '../cells/cell-parameters.js';

/** Sizes of one fused layer-direction call and how its kernel results become tensors. */
export interface FusedSequenceCall {
  /** Time steps. */
  readonly T: number;
  /** Batch size. */
  readonly B: number;
  /** Hidden size. */
  readonly H: number;
  /** Whether the layer has the biases (both or neither). */
  readonly hasBias: boolean;
  /** A storage the kernel returned, as a tensor of `x`'s backend and dtype. */
  readonly wrap: (handle: DataHandle, shape: number[]) => Tensor;
  /** Names of the weight inputs of the custom op, biases last when present. */
  readonly weightNames: string[];
  /** The weight inputs, in the order of `weightNames`. */
  readonly weights: Tensor[];
}

/** The call description for `x` `[T, B, I]`, initial state `h0` `[B, H]` and the layer direction's `weights`. */
export function fusedSequenceCall(x: Tensor, h0: Tensor, weights: CellParameters): FusedSequenceCall {
  const backend = x.backend;
  const dtype = x.dtype;
  const hasBias = weights.biasIh !== null && weights.biasHh !== null;
  return {
    T: x.shape[0],
    B: x.shape[1],
    H: h0.shape[1],
    hasBias,
    wrap: (handle, shape) => Tensor.fromHandle(backend, handle, shape, dtype),
    weightNames: hasBias ? ['weightIh', 'weightHh', 'biasIh', 'biasHh'] : ['weightIh', 'weightHh'],
    weights: hasBias
      ? [weights.weightIh, weights.weightHh, weights.biasIh as Tensor, weights.biasHh as Tensor]
      : [weights.weightIh, weights.weightHh],
  };
}
