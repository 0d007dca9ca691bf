// The Linear op in one place (F.linear with an optional ReLU): its composed reference, the customOp glue around the backend's fused kernels, the choice.
import { add, InvalidArgumentError, matmul, relu, type LinearActivation, type Tensor } from '@seqlab/tensor-core';
import { customOp } from '../engine/custom-op.js';
import { fusedKernels, fusedOrComposed, type FusedKernelSet } from '../engine/fused-op.js';
import { isGradEnabled } from '../engine/grad-mode.js';

/** The fused kernels Linear runs on. */
const KERNELS = ['linear', 'linearBackward'] as const;

/** The fused Linear kernels, forward and backward. */
export type FusedLinearKernels = FusedKernelSet<(typeof KERNELS)[number]>;

/** Options of {@link linear}. */
export interface LinearCallOptions {
  /** Applied to the result: `'relu'` is `max(0, ·)`. Default `'none'`. */
  activation?: LinearActivation;
  /** Use the backend's fused kernels when it has them. Default true (tensor-core's `setFusedEnabled` also applies). */
  fused?: boolean;
}

// Whether the fused kernels can run x·weightᵀ + bias: floating x of rank ≥ 2 whose last axis matches the [out, in]
// weight (in ≥ 1: an empty depth is left to the composed ops), all of one dtype and backend. Anything else goes down the composed path, whose ops raise the typed errors.
function fusable(x: Tensor, weight: Tensor, bias: Tensor | null): boolean {
  if ((x.dtype !== 'float32' && x.dtype !== 'float64') || x.rank < 2 || weight.rank !== 2 || x.shape[x.rank - 1] !== weight.shape[1] || weight.shape[1] === 0)
    return false;
  if (bias !== null && (bias.rank !== 1 || bias.shape[0] !== weight.shape[0])) return false;
  return [weight, bias].every((p) => p === null || (p.dtype === x.dtype && p.backend === x.backend));
}

/**
 * The backend's fused Linear kernels when they can run `x` with this weight and bias (and `fused` and the global
 * switch allow them), else null.
 */
export function fusedLinearKernelsFor(x: Tensor, weight: Tensor, bias: Tensor | null, fused = true): FusedLinearKernels | null {
  return fusable(x, weight, bias) ? fusedKernels(x.backend, KERNELS, fused) : null;
}

/**
 * The composed reference every fused Linear must equal: `act(x·weightᵀ + bias)` as matmul, add and relu ops.
 *
 * @example
 * ```ts
 * const y = composedLinear(tensor([[1, 2]]), tensor([[1, -1], [2, 0]]), tensor([0.5, -5]), 'relu');
 * console.assert(JSON.stringify(y.toArray()) === '[[0,0]]');
 * ```
 */
export function composedLinear(x: Tensor, weight: Tensor, bias: Tensor | null, activation: LinearActivation = 'none'): Tensor {
  const y = matmul(x, weight, { transB: true });
  const biased = bias === null ? y : add(y, bias);
  return activation === 'relu' ? relu(biased) : biased;
}

function checkActivation(value: unknown): LinearActivation {
  if (value === undefined) return 'none';
  if (value !== 'none' && value !== 'relu') {
    throw new InvalidArgumentError(`linear: option 'activation' must be 'none' or 'relu'; received ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * `act(x·weightᵀ + bias)`, as `torch.nn.functional.linear` (then `relu` for `activation: 'relu'`): `x` is
 * `[..., in]`, `weight` `[out, in]` (PyTorch's layout), `bias` `[out]` or null. On the backend's fused kernels when
 * it has them (one matmul whose tiles get the bias and the ReLU as they are stored; a backward that also gives the
 * bias gradient), else {@link composedLinear}; both give the same numbers within float rounding.
 *
 * @example
 * ```ts
 * const w = tensor([[1, -1], [2, 0]]), b = tensor([0.5, -5]);
 * linear(tensor([[1, 2]]), w, b).toArray();                         // [[-0.5, -3]]
 * linear(tensor([[1, 2]]), w, b, { activation: 'relu' }).toArray(); // [[0, 0]]
 * ```
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null, options: LinearCallOptions = {}): Tensor {
  const activation = checkActivation(options.activation);
  return fusedOrComposed(
    x.backend,
    KERNELS,
    (options.fused ?? true) && fusable(x, weight, bias),
    (kernels) => fusedLinear(kernels, x, weight, bias, activation),
    () => composedLinear(x, weight, bias, activation),
  );
}

/**
 * `act(x·weightᵀ + bias)` on the fused kernels (shapes validated by the caller). Differentiable through a customOp
 * whose backward is one kernel call giving the gradients of x, the weight and the bias.
 */
export function fusedLinear(kernels: FusedLinearKernels, x: Tensor, weight: Tensor, bias: Tensor | null, activation: LinearActivation): Tensor {
  const params = bias === null ? [weight] : [weight, bias];
  if (!isGradEnabled() || ![x, ...params].some((t) => t.requiresGrad)) return kernels.linear(x, weight, bias, activation).output;
  const op = customOp<Tensor, undefined>({
    name: 'linear',
    pureBackward: true,
    inputs: bias === null ? ['x', 'weight'] : ['x', 'weight', 'bias'],
    forward: ([xi, wi, bi]) => ({ outputs: kernels.linear(xi, wi, bi ?? null, activation).output }),
    backward: ([g], _saved, { inputs: [xi, wi], outputs: [y], needsInputGrad }) => {
      const { dx, dWeight, dBias } = kernels.linearBackward(g, xi, wi, activation === 'relu' ? y : null, activation, needsInputGrad[0]);
      const grads = [dx, needsInputGrad[1] ? dWeight : null];
      if (bias !== null) grads.push(needsInputGrad[2] ? dBias : null);
      for (const [i, t] of [dx, dWeight, dBias].entries()) if (t !== null && grads[i] !== t) t.dispose();
      return grads;
    },
  });
  return op(x, ...params);
}
