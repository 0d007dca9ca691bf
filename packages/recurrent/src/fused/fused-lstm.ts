// The fused LSTM layer direction as a custom op: the backend's sequence kernel forward, its BPTT kernel backward.
import { customOp } from '@seqlab/autograd';
import type { FusedRecurrentKernels, Tensor } from '@seqlab/tensor-core';
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
 * and the final `[B, H]` states.
 */
export function fusedLstmSequence(
  kernels: FusedRecurrentKernels,
  x: Tensor,
  h0: Tensor,
  c0: Tensor,
  weights: CellParameters,
  lengths: Int32Array | null,
  reverse: boolean,
): { output: Tensor; hN: Tensor; cN: Tensor } {
  const { T, B, H, hasBias, wrap, weightNames, weights: weightInputs } = fusedSequenceCall(x, h0, weights);
  const op = customOp<Tensor[], LstmSaved>({
    name: 'lstmSequence',
    inputs: ['x', 'h0', 'c0', ...weightNames],
    forward: ([xs, h, c, weightIh, weightHh, biasIh = null, biasHh = null]) => {
      const r = kernels.lstmSequence({ x: xs, h0: h, c0: c, weightIh, weightHh, biasIh, biasHh, lengths, reverse });
      return {
        outputs: [wrap(r.output, [T, B, H]), wrap(r.hN, [B, H]), wrap(r.cN, [B, H])],
        saved: {
          gates: wrap(r.gates, [T, B, 4 * H]),
          cPrev: wrap(r.cPrev, [T, B, H]),
          cellTanh: wrap(r.cellTanh, [T, B, H]),
          hPrev: wrap(r.hPrev, [T, B, H]),
        },
      };
    },
    backward: ([dOutput, dhN, dcN], saved, { inputs }) => {
      const [xs, h, c, weightIh, weightHh, biasIh = null, biasHh = null] = inputs;
      const g = kernels.lstmSequenceBackward({ x: xs, h0: h, c0: c, weightIh, weightHh, biasIh, biasHh, lengths, reverse, saved, dOutput, dhN, dcN });
      const grads = [wrap(g.dx, [...xs.shape]), wrap(g.dh0, [B, H]), wrap(g.dc0, [B, H]), wrap(g.dWeightIh, [...weightIh.shape]), wrap(g.dWeightHh, [...weightHh.shape])];
      if (hasBias && g.dBiasIh !== null && g.dBiasHh !== null) grads.push(wrap(g.dBiasIh, [4 * H]), wrap(g.dBiasHh, [4 * H]));
      return grads;
    },
  });
  const [output, hN, cN] = op(x, h0, c0, ...weightInputs);
  return { output, hN, cN };
}
