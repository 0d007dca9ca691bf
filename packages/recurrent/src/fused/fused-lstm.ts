// The fused LSTM layer direction as a custom op: the backend's sequence kernel forward, its BPTT kernel backward.
import { customOp } from '@seqlab/autograd';
import { Tensor, type DataHandle, type FusedRecurrentKernels } from '@seqlab/tensor-core';
import type { CellParameters } from '../cells/cell-parameters.js';

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
  const backend = x.backend;
  const dtype = x.dtype;
  const [T, B] = x.shape;
  const H = h0.shape[1];
  const wrap = (handle: DataHandle, shape: number[]): Tensor => Tensor.fromHandle(backend, handle, shape, dtype);
  const hasBias = weights.biasIh !== null && weights.biasHh !== null;
  const op = customOp<Tensor[], LstmSaved>({
    name: 'lstmSequence',
    inputs: hasBias ? ['x', 'h0', 'c0', 'weightIh', 'weightHh', 'biasIh', 'biasHh'] : ['x', 'h0', 'c0', 'weightIh', 'weightHh'],
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
  const inputs = [x, h0, c0, weights.weightIh, weights.weightHh];
  if (hasBias) inputs.push(weights.biasIh as Tensor, weights.biasHh as Tensor);
  const [output, hN, cN] = op(...inputs);
  return { output, hN, cN };
}
