// The GRU op in one place: its step equations (the composed reference every fused kernel must equal) and the customOp
// glue around the backend's gruSequence / gruSequenceBackward kernels, chosen per layer direction by fusedOrComposed.
import { customOp, fusedOrComposed, type FusedKernelSet } from '@seqlab/autograd';
import { add, chunk, mul, sigmoid, sub, tanh, type Tensor } from '@seqlab/tensor-core';
import { hiddenProjection } from '../cells/cell-math.js';
import type { CellParameters } from '../cells/cell-parameters.js';
import type { DirectionRunner, DirectionResult } from './recurrent-layer.js';
import { fusedSequenceCall, keepsWorkspace, savedWorkspace, type SequenceArgs } from './sequence-weights.js';

const GRU_KERNELS = ['gruSequence', 'gruSequenceBackward'] as const;
type GruKernels = FusedKernelSet<(typeof GRU_KERNELS)[number]>;

/**
 * GRU step in PyTorch's gate order r, z, n, with `b_hn` inside the reset product:
 * `n = tanh(x_n + r·(W_hn h + b_hn))`, `h' = (1−z)·n + z·h`. `xProj` is the input side `[B, 3H]`.
 */
export function gruStep(xProj: Tensor, h: Tensor, weightHh: Tensor, biasHh: Tensor | null): Tensor {
  const [xr, xz, xn] = chunk(xProj, 3, -1);
  const [hr, hz, hn] = chunk(hiddenProjection(h, weightHh, biasHh), 3, -1);
  const r = sigmoid(add(xr, hr));
  const z = sigmoid(add(xz, hz));
  const n = tanh(add(xn, mul(r, hn)));
  // (1−z)·n + z·h written as n + z·(h − n): one op fewer, same value.
  return add(n, mul(z, sub(h, n)));
}

interface GruSaved {
  readonly gates: Tensor | null;
  readonly hPrev: Tensor | null;
}

/**
 * One GRU layer direction over a sequence `x`, time-major `[T, B, I]` (or `[B, T, I]` when `batchFirst`), from
 * `[h0]`: as one op on the backend's fused kernels when it has them and `fused` (and tensor-core's `setFusedEnabled`)
 * allow, else `composed`, the step loop of {@link gruStep} that the layer runs. Returns the output `[T, B, H]`
 * (`[B, T, H]` batch-first) and the final `[B, H]` state.
 */
export const gruSequence: DirectionRunner = (x, state, weights, lengths, reverse, batchFirst, fused, composed) =>
  fusedOrComposed(x.backend, GRU_KERNELS, fused, (kernels) => fusedGruSequence(kernels, x, state, weights, lengths, reverse, batchFirst), composed);

// The layer direction as a custom op: the fused sequence kernel forward, its hand-written BPTT backward.
function fusedGruSequence(kernels: GruKernels, ...[x, [h0], weights, lengths, reverse, batchFirst]: SequenceArgs): DirectionResult {
  const { gruSequence: forward, gruSequenceBackward: backward } = kernels;
  const { hasBias, weightNames, weights: weightInputs } = fusedSequenceCall(weights);
  const saveWorkspace = keepsWorkspace([x, h0, ...weightInputs]);
  const op = customOp<Tensor[], GruSaved>({
    name: 'gruSequence',
    pureBackward: true,
    inputs: ['x', 'h0', ...weightNames],
    forward: ([xs, h, weightIh, weightHh, biasIh = null, biasHh = null]) => {
      const { output, hN, ...saved } = forward({ x: xs, h0: h, weightIh, weightHh, biasIh, biasHh, lengths, reverse, saveWorkspace, batchFirst });
      return { outputs: [output, hN], saved };
    },
    backward: ([dOutput, dhN], saved, { inputs }) => {
      const [xs, h, weightIh, weightHh, biasIh = null, biasHh = null] = inputs;
      const g = backward({
        x: xs,
        h0: h,
        weightIh,
        weightHh,
        biasIh,
        biasHh,
        lengths,
        reverse,
        batchFirst,
        saved: savedWorkspace('gruSequence', saved),
        dOutput,
        dhN,
      });
      const grads = [g.dx, g.dh0, g.dWeightIh, g.dWeightHh];
      if (hasBias && g.dBiasIh !== null && g.dBiasHh !== null) grads.push(g.dBiasIh, g.dBiasHh);
      return grads;
    },
  });
  const [output, hN] = op(x, h0, ...weightInputs);
  return { output, state: [hN] };
}
