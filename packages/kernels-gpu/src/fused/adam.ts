// The gpu backend's fused Adam / AdamW step: three elementwise programs (parameter, first and second moment), the
// hyper-parameters and the step's bias corrections passed as uniforms, so one compiled program serves every step and size.
import { DTypeMismatchError, type AdamStepHyperparameters, type AdamStepResult, type TensorInfo } from '@seqlab/tensor-core';
import { runProgram } from '../program.js';
import type { GpuFloat } from '../storage.js';
import { handleOf } from './programs.js';

// Statements shared by the three programs: the gradient with L2 decay and both new moments.
const MOMENTS =
  'const x = this.thread.x; const g = grad[x] + l2 * p[x]; ' + 'const m2 = beta1 * m[x] + (1.0 - beta1) * g; const v2 = beta2 * v[x] + (1.0 - beta2) * g * g;';

/** What each program returns from the moments and the decayed parameter. */
const RESULTS = {
  param: 'return p[x] * decay - stepSize * m2 / (Math.sqrt(v2) * invSqrtBc2 + eps);',
  expAvg: 'return m2;',
  expAvgSq: 'return v2;',
} as const;

/**
 * One Adam or AdamW step on float32 storages as tensor-core's `FusedAdamStep` contract: new storages for p', m' and
 * v'; the inputs are left unchanged.
 *
 * @example
 * ```ts
 * const hyper = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false, step: 1 };
 * const out = adamStep(param, grad, expAvg, expAvgSq, hyper);
 * ```
 */
export function adamStep(param: TensorInfo, grad: TensorInfo, expAvg: TensorInfo, expAvgSq: TensorInfo, hyper: AdamStepHyperparameters): AdamStepResult {
  for (const [name, t] of [
    ['param', param],
    ['grad', grad],
    ['expAvg', expAvg],
    ['expAvgSq', expAvgSq],
  ] as const) {
    if (t.dtype !== 'float32') throw new DTypeMismatchError(`adamStep: argument '${name}' must be float32 on the gpu backend; received ${t.dtype}`);
  }
  const { lr, beta1, beta2, eps, weightDecay, decoupledWeightDecay, step } = hyper;
  // Bias corrections in float64 on the host, as the composed update computes them.
  const uniforms = [
    beta1,
    beta2,
    eps,
    decoupledWeightDecay ? 0 : weightDecay,
    decoupledWeightDecay ? 1 - lr * weightDecay : 1,
    lr / (1 - beta1 ** step),
    1 / Math.sqrt(1 - beta2 ** step),
  ];
  const inputs: GpuFloat[] = [handleOf(param), handleOf(grad), handleOf(expAvg), handleOf(expAvgSq)];
  const run = (field: keyof typeof RESULTS): GpuFloat =>
    runProgram(
      'adamStep',
      `adamStep|${field}`,
      () => ({
        source: `function (p, grad, m, v, beta1, beta2, eps, l2, decay, stepSize, invSqrtBc2) { ${MOMENTS} ${RESULTS[field]} }`,
        dynamicOutput: true,
      }),
      param.size,
      [...inputs, ...uniforms],
    );
  return { param: run('param'), expAvg: run('expAvg'), expAvgSq: run('expAvgSq') };
}
