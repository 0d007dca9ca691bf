// The LSTM op in one place: its step equations (the composed reference every fused kernel must equal) and the customOp
// glue around the backend's lstmSequence / lstmSequenceBackward kernels, chosen per layer direction by fusedOrComposed.
import { customOp, fusedOrComposed, type FusedKernelSet } from '@seqlab/autograd';
import { add, chunk, mul, sigmoid, tanh, type Tensor } from '@seqlab/tensor-core';
import { hiddenProjection } from '../cells/cell-math.js';
import type { CellParameters } from '../cells/cell-parameters.js';
import type { DirectionRunner, DirectionResult } from './recurrent-layer.js';
import { fusedSequenceCall, keepsWorkspace, savedWorkspace, type SequenceArgs } from './sequence-weights.js';

const LSTM_KERNELS = ['lstmSequence', 'lstmSequenceBackward'] as const;
type LstmKernels = FusedKernelSet<(typeof LSTM_KERNELS)[number]>;

/**
 * LSTM step in PyTorch's gate order i, f, g, o: `c' = σ(f)·c + σ(i)·tanh(g)`, `h' = σ(o)·tanh(c')`.
 * `xProj` is the input side `[B, 4H]`; returns `[h', c']`.
 */
export function lstmStep(xProj: Tensor, h: Tensor, c: Tensor, weightHh: Tensor, biasHh: Tensor | null): [Tensor, Tensor] {
  const [i, f, g, o] = chunk(add(xProj, hiddenProjection(h, weightHh, biasHh)), 4, -1);
  const cNext = add(mul(sigmoid(f), c), mul(sigmoid(i), tanh(g)));
  return [mul(sigmoid(o), tanh(cNext)), cNext];
}

interface LstmSaved {
  readonly gates: Tensor | null;
  readonly cPrev: Tensor | null;
  readonly cellTanh: Tensor | null;
  readonly hPrev: Tensor | null;
}

/**
 * One LSTM layer direction over a sequence `x`, time-major `[T, B, I]` (or `[B, T, I]` when `batchFirst`), from
 * `[h0, c0]`: as one op on the backend's fused kernels when it has them and `fused` (and tensor-core's
 * `setFusedEnabled`) allow, else `composed`, the step loop of {@link lstmStep} that the layer runs. Returns the output
 * `[T, B, H]` (`[B, T, H]` batch-first) and the final `[B, H]` states.
 */
export const lstmSequence: DirectionRunner = (x, state, weights, lengths, reverse, batchFirst, fused, composed) =>
  fusedOrComposed(x.backend, LSTM_KERNELS, fused, (kernels) => fusedLstmSequence(kernels, x, state, weights, lengths, reverse, batchFirst), composed);

// The layer direction as a custom op: the fused sequence kernel forward, its hand-written BPTT backward.
function fusedLstmSequence(kernels: LstmKernels, ...[x, [h0, c0], weights, lengths, reverse, batchFirst]: SequenceArgs): DirectionResult {
  const { lstmSequence: forward, lstmSequenceBackward: backward } = kernels;
  const { hasBias, weightNames, weights: weightInputs } = fusedSequenceCall(weights);
  const saveWorkspace = keepsWorkspace([x, h0, c0, ...weightInputs]);
  const op = customOp<Tensor[], LstmSaved>({
    name: 'lstmSequence',
    pureBackward: true,
    inputs: ['x', 'h0', 'c0', ...weightNames],
    forward: ([xs, h, c, weightIh, weightHh, biasIh = null, biasHh = null]) => {
      const { output, hN, cN, ...saved } = forward({ x: xs, h0: h, c0: c, weightIh, weightHh, biasIh, biasHh, lengths, reverse, saveWorkspace, batchFirst });
      return { outputs: [output, hN, cN], saved };
    },
    backward: ([dOutput, dhN, dcN], saved, { inputs }) => {
      const [xs, h, c, weightIh, weightHh, biasIh = null, biasHh = null] = inputs;
      const workspace = savedWorkspace('lstmSequence', saved);
      const g = backward({ x: xs, h0: h, c0: c, weightIh, weightHh, biasIh, biasHh, lengths, reverse, batchFirst, saved: workspace, dOutput, dhN, dcN });
      const grads = [g.dx, g.dh0, g.dc0, g.dWeightIh, g.dWeightHh];
      if (hasBias && g.dBiasIh !== null && g.dBiasHh !== null) grads.push(g.dBiasIh, g.dBiasHh);
      return grads;
    },
  });
  const [output, hN, cN] = op(x, h0, c0, ...weightInputs);
  return { output, state: [hN, cN] };
}
