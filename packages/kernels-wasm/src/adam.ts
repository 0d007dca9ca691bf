// The fused one-pass Adam / AdamW step offered in the wasm backend's `fused` table: in place (adamUpdate) and as
// new storages (adamStep, the contract of @seqlab/autograd's Adam), which it makes resident in wasm memory.
import {
  DTypeMismatchError,
  InvalidArgumentError,
  ShapeMismatchError,
  formatShape,
  type AdamStepHyperparameters,
  type AdamStepResult,
  type FusedAdamStep,
  type TensorInfo,
} from '@seqlab/tensor-core';
import { allocFor, ptr, ptrForUpdate, runtime } from './context.js';
import { framed } from './framed.js';

/** Hyper-parameters of one {@link adamUpdate} step (PyTorch's names and defaults in `torch.optim.Adam/AdamW`). */
export interface AdamStep {
  /** Learning rate. */
  lr: number;
  /** Decay of the first moment (default 0.9). */
  beta1?: number;
  /** Decay of the second moment (default 0.999). */
  beta2?: number;
  /** Added to the denominator for stability (default 1e-8). */
  eps?: number;
  /** Weight decay (default 0). */
  weightDecay?: number;
  /** 1-based step number, for the bias corrections 1 - β^step. */
  step: number;
  /** true: AdamW (decay applied to the parameter directly); false: Adam (decay added to the gradient as L2). */
  decoupled?: boolean;
}

// Checks the four storages and the hyper-parameters, then runs the kernel on the staged copies at p, m and v.
function runAdam(
  op: string,
  param: TensorInfo,
  grad: TensorInfo,
  m: TensorInfo,
  v: TensorInfo,
  options: AdamStep,
  p: () => number,
  mAt: () => number,
  vAt: () => number,
): void {
  const named: [string, TensorInfo][] = [
    ['param', param],
    ['grad', grad],
    ['m', m],
    ['v', v],
  ];
  for (const [name, t] of named) {
    if (t.dtype !== 'float32') throw new DTypeMismatchError(`${op}: argument '${name}' must be float32; received ${t.dtype}`);
    if (t.size !== param.size) {
      throw new ShapeMismatchError(
        `${op}: argument '${name}' must have ${param.size} elements like 'param' ${formatShape(param.shape)}; received shape ${formatShape(t.shape)}`,
      );
    }
  }
  const { lr, step } = options;
  const beta1 = options.beta1 ?? 0.9,
    beta2 = options.beta2 ?? 0.999,
    eps = options.eps ?? 1e-8;
  const weightDecay = options.weightDecay ?? 0,
    decoupled = options.decoupled ?? false;
  const checks: [string, number, boolean][] = [
    ['lr', lr, lr >= 0],
    ['beta1', beta1, beta1 >= 0 && beta1 < 1],
    ['beta2', beta2, beta2 >= 0 && beta2 < 1],
    ['eps', eps, eps >= 0],
    ['weightDecay', weightDecay, weightDecay >= 0],
    ['step', step, Number.isInteger(step) && step >= 1],
  ];
  for (const [name, value, ok] of checks) {
    if (typeof value !== 'number' || !ok) throw new InvalidArgumentError(`${op}: option '${name}' is out of range; received ${String(value)}`);
  }
  const stepSize = lr / (1 - beta1 ** step);
  const invSqrtBc2 = 1 / Math.sqrt(1 - beta2 ** step);
  runtime().exports.adamF32(
    p(),
    ptr(grad),
    mAt(),
    vAt(),
    param.size,
    beta1,
    beta2,
    eps,
    decoupled ? 0 : weightDecay,
    decoupled ? lr * weightDecay : 0,
    stepSize,
    invSqrtBc2,
  );
}

/**
 * One Adam or AdamW step **in place** on float32 storages of equal size, reading each element once:
 *
 * ```text
 * g     = grad + (decoupled ? 0 : weightDecay·param)
 * m     = β1·m + (1-β1)·g
 * v     = β2·v + (1-β2)·g²
 * param = param·(1 - (decoupled ? lr·weightDecay : 0)) - lr/(1-β1^step) · m / (sqrt(v)/sqrt(1-β2^step) + eps)
 * ```
 *
 * exactly as `torch.optim.Adam` / `AdamW` (foreach=False, amsgrad=False) in float32. `param`, `m` and `v` are
 * overwritten (their wasm copies, then their JS storages when the call returns), so every tensor viewing them
 * (reshapes included) sees the new values; `grad` is only read.
 * Callers own the moments: zero-filled tensors of the parameter's shape before step 1.
 *
 * @example
 * ```ts
 * const param = tensor([1, -2, 3], undefined, { backend: 'wasm' });
 * const grad = tensor([0.1, 0.2, -0.3], undefined, { backend: 'wasm' });
 * const m = zeros([3], { backend: 'wasm' }); // the moments start at zero
 * const v = zeros([3], { backend: 'wasm' });
 * adamUpdate(param, grad, m, v, { lr: 0.1, step: 1 }); // param, m and v change in place
 * // Step 1 moves each element by lr against its gradient's sign.
 * console.assert(Math.abs(param.dataSync()[0] - 0.9) < 1e-5 && Math.abs(m.dataSync()[0] - 0.01) < 1e-7);
 * ```
 */
export const adamUpdate: (param: TensorInfo, grad: TensorInfo, m: TensorInfo, v: TensorInfo, options: AdamStep) => void = framed(
  'adamUpdate',
  (param: TensorInfo, grad: TensorInfo, m: TensorInfo, v: TensorInfo, options: AdamStep): void =>
    runAdam(
      'adamUpdate',
      param,
      grad,
      m,
      v,
      options,
      () => ptrForUpdate(param),
      () => ptrForUpdate(m),
      () => ptrForUpdate(v),
    ),
);

// Resident blocks for the next adamStep's results, made before the call stages anything (the resident region can
// only grow while the call frame is empty); undefined where they cannot be made (no shared memory).
let residentOut: [Float32Array, Float32Array, Float32Array] | undefined;

function makeResidentOut(param: TensorInfo): void {
  residentOut = undefined;
  if (param.dtype !== 'float32') return;
  const region = runtime().resident;
  const blocks: Float32Array[] = [];
  for (let i = 0; i < 3; i++) {
    const view = region.allocF32(param.size);
    if (view === undefined) {
      for (const b of blocks) region.release(b);
      return;
    }
    blocks.push(view);
  }
  residentOut = blocks as [Float32Array, Float32Array, Float32Array];
}

/**
 * The same step as {@link adamUpdate}, leaving its inputs unchanged and returning new storages for the parameter
 * and both moments: tensor-core's `FusedAdamStep` contract, which `@seqlab/autograd`'s Adam and AdamW use for
 * float32 parameters. With shared wasm memory (Node; a cross-origin-isolated page) the new storages are
 * **resident**: views into wasm memory that later kernels read in place, so from the second step on the parameter
 * and moments are neither copied in nor out (only the gradient is staged). Without shared memory they are ordinary
 * typed arrays copied out of the call.
 *
 * @example
 * ```ts
 * const param = tensor([1, -2, 3], undefined, { backend: 'wasm' });
 * const grad = tensor([0.1, 0.2, -0.3], undefined, { backend: 'wasm' });
 * const zero = zeros([3], { backend: 'wasm' });
 * const hyper = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false, step: 1 };
 * const out = adamStep(param, grad, zero, zero, hyper); // new storages; the inputs are unchanged
 * console.assert(Math.abs((out.param as Float32Array)[0] - 0.9) < 1e-5 && param.dataSync()[0] === 1);
 * ```
 */
export const adamStep: FusedAdamStep = framed(
  'adamStep',
  (param: TensorInfo, grad: TensorInfo, expAvg: TensorInfo, expAvgSq: TensorInfo, hyper: AdamStepHyperparameters) => {
    const options: AdamStep = { ...hyper, decoupled: hyper.decoupledWeightDecay };
    const resident = residentOut;
    residentOut = undefined;
    // Results start as copies of the inputs in blocks of their own (inputs may share a storage, results may not):
    // resident blocks that outlive the call, or blocks of the call's frame that are copied out.
    const copyOf = (x: TensorInfo, into: Float32Array | undefined) => (): number => {
      const out = into === undefined ? allocFor('float32', x.size) : runtime().resident.addressOf(into);
      const at = ptr(x);
      runtime().heap.u8.copyWithin(out, at, at + x.size * 4);
      return out;
    };
    let p = 0,
      m = 0,
      v = 0;
    try {
      runAdam(
        'adamStep',
        param,
        grad,
        expAvg,
        expAvgSq,
        options,
        () => (p = copyOf(param, resident?.[0])()),
        () => (m = copyOf(expAvg, resident?.[1])()),
        () => (v = copyOf(expAvgSq, resident?.[2])()),
      );
    } catch (error) {
      for (const block of resident ?? []) runtime().resident.release(block);
      throw error;
    }
    if (resident !== undefined) return { param: resident[0], expAvg: resident[1], expAvgSq: resident[2] } satisfies AdamStepResult;
    return { param: p, expAvg: m, expAvgSq: v } satisfies AdamStepResult;
  },
  makeResidentOut,
);
