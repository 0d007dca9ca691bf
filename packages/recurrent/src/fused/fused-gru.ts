// The fused GRU layer direction as a custom op: the backend's sequence kernel forward, its BPTT kernel backward.
import { customOp } from '@seqlab/autograd';
import { fusedKernel, type Tensor } from '@seqlab/tensor-core';
import type { CellParameters } from '../cells/cell-parameters.js';
import { fusedSequenceCall } from './fused-sequence.js';

interface GruSaved {
  readonly gates: Tensor;
  readonly hPrev: Tensor;
}

/**
 * Runs one GRU layer direction over a time-major sequence `x` `[T, B, I]` with the backend's fused kernels,
 * as a differentiable op whose backward is the kernel's hand-written BPTT. Returns the output `[T, B, H]`
 * and the final `[B, H]` state, or null when the backend lacks the kernels or fused paths are off.
 */
export function fusedGruSequence(
  x: Tensor,
  h0: Tensor,
  weights: CellParameters,
  lengths: Int32Array | null,
  reverse: boolean,
): { output: Tensor; hN: Tensor } | null {
  const forward = fusedKernel(x.backend, 'gruSequence');
  const backward = fusedKernel(x.backend, 'gruSequenceBackward');
  if (forward === undefined || backward === undefined) return null;
  const { hasBias, weightNames, weights: weightInputs } = fusedSequenceCall(weights);
  const op = customOp<Tensor[], GruSaved>({
    name: 'gruSequence',
    inputs: ['x', 'h0', ...weightNames],
    forward: ([xs, h, weightIh, weightHh, biasIh = null, biasHh = null]) => {
      const { output, hN, ...saved } = forward({ x: xs, h0: h, weightIh, weightHh, biasIh, biasHh, lengths, reverse });
      return { outputs: [output, hN], saved };
    },
    backward: ([dOutput, dhN], saved, { inputs }) => {
      const [xs, h, weightIh, weightHh, biasIh = null, biasHh = null] = inputs;
      const g = backward({ x: xs, h0: h, weightIh, weightHh, biasIh, biasHh, lengths, reverse, saved, dOutput, dhN });
      const grads = [g.dx, g.dh0, g.dWeightIh, g.dWeightHh];
      if (hasBias && g.dBiasIh !== null && g.dBiasHh !== null) grads.push(g.dBiasIh, g.dBiasHh);
      return grads;
    },
  });
  const [output, hN] = op(x, h0, ...weightInputs);
  return { output, hN };
}
