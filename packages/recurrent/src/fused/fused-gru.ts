// The fused GRU layer direction as a custom op: the backend's sequence kernel forward, its BPTT kernel backward.
import { customOp } from '@seqlab/autograd';
import type { FusedRecurrentKernels, Tensor } from '@seqlab/tensor-core';
import type { CellParameters } from '../cells/cell-parameters.js';
import { fusedSequenceCall } from './fused-sequence.js';

interface GruSaved {
  readonly gates: Tensor;
  readonly hPrev: Tensor;
}

/**
 * Runs one GRU layer direction over a time-major sequence `x` `[T, B, I]` with the backend's fused kernels,
 * as a differentiable op whose backward is the kernel's hand-written BPTT. Returns the output `[T, B, H]`
 * and the final `[B, H]` state.
 */
export function fusedGruSequence(
  kernels: FusedRecurrentKernels,
  x: Tensor,
  h0: Tensor,
  weights: CellParameters,
  lengths: Int32Array | null,
  reverse: boolean,
): { output: Tensor; hN: Tensor } {
  const { T, B, H, hasBias, wrap, weightNames, weights: weightInputs } = fusedSequenceCall(x, h0, weights);
  const op = customOp<Tensor[], GruSaved>({
    name: 'gruSequence',
    inputs: ['x', 'h0', ...weightNames],
    forward: ([xs, h, weightIh, weightHh, biasIh = null, biasHh = null]) => {
      const r = kernels.gruSequence({ x: xs, h0: h, weightIh, weightHh, biasIh, biasHh, lengths, reverse });
      return {
        outputs: [wrap(r.output, [T, B, H]), wrap(r.hN, [B, H])],
        saved: { gates: wrap(r.gates, [T, B, 4 * H]), hPrev: wrap(r.hPrev, [T, B, H]) },
      };
    },
    backward: ([dOutput, dhN], saved, { inputs }) => {
      const [xs, h, weightIh, weightHh, biasIh = null, biasHh = null] = inputs;
      const g = kernels.gruSequenceBackward({ x: xs, h0: h, weightIh, weightHh, biasIh, biasHh, lengths, reverse, saved, dOutput, dhN });
      const grads = [wrap(g.dx, [...xs.shape]), wrap(g.dh0, [B, H]), wrap(g.dWeightIh, [...weightIh.shape]), wrap(g.dWeightHh, [...weightHh.shape])];
      if (hasBias && g.dBiasIh !== null && g.dBiasHh !== null) grads.push(wrap(g.dBiasIh, [3 * H]), wrap(g.dBiasHh, [3 * H]));
      return grads;
    },
  });
  const [output, hN] = op(x, h0, ...weightInputs);
  return { output, hN };
}
