// The fused LSTM layer direction as a custom op: the backend's sequence kernel forward, its BPTT kernel backward.
import { customOp } from '@seqlab/autograd';
import { fusedKernel, type Tensor } from '@seqlab/tensor-core';
import type { CellParameters } from '../cells/cell-parameters.js';
import { fusedSequenceCall } from './fused-sequence.js';

interface LstmSaved {
  readonly gates: Tensor;
  readonly cPrev: Tensor;
  readonly cellTanh: Tensor;
  readonly hPrev: Tensor;
}

/**
 * Runs one LSTM layer direction over a time-major sequence `x` `[T, B, I]` with the backend's fused kernels,
 * as a differentiable op whose backward is the kernel's hand-written BPTT. Returns the output `[T, B, H]`
 * and the final `[B, H]` states, or null when the backend lacks the kernels or fused paths are off.
 */
export function fusedLstmSequence(
  x: Tensor,
  h0: Tensor,
  c0: Tensor,
  weights: CellParameters,
  lengths: Int32Array | null,
  reverse: boolean,
): { output: Tensor; hN: Tensor; cN: Tensor } | null {
  const forward = fusedKernel(x.backend, 'lstmSequence');
  const backward = fusedKernel(x.backend, 'lstmSequenceBackward');
  if (forward === undefined || backward === undefined) return null;
  const { hasBias, weightNames, weights: weightInputs } = fusedSequenceCall(weights);
  const op = customOp<Tensor[], LstmSaved>({
    name: 'lstmSequence',
    inputs: ['x', 'h0', 'c0', ...weightNames],
    forward: ([xs, h, c, weightIh, weightHh, biasIh = null, biasHh = null]) => {
      const { output, hN, cN, ...saved } = forward({ x: xs, h0: h, c0: c, weightIh, weightHh, biasIh, biasHh, lengths, reverse });
      return { outputs: [output, hN, cN], saved };
    },
    backward: ([dOutput, dhN, dcN], saved, { inputs }) => {
      const [xs, h, c, weightIh, weightHh, biasIh = null, biasHh = null] = inputs;
      const g = backward({ x: xs, h0: h, c0: c, weightIh, weightHh, biasIh, biasHh, lengths, reverse, saved, dOutput, dhN, dcN });
      const grads = [g.dx, g.dh0, g.dc0, g.dWeightIh, g.dWeightHh];
      if (hasBias && g.dBiasIh !== null && g.dBiasHh !== null) grads.push(g.dBiasIh, g.dBiasHh);
      return grads;
    },
  });
  const [output, hN, cN] = op(x, h0, c0, ...weightInputs);
  return { output, hN, cN };
}
