// gradcheck: the tape's gradients against float64 central finite differences, element by element.
import { DTypeMismatchError, InvalidArgumentError, isFloatDType, SeqlabError, Tensor, tensor, zeros } from '@seqlab/tensor-core';
import { backward } from './backward.js';
import { noGrad } from './grad-mode.js';
import { setRequiresGrad } from './tensor-methods.js';

/** Options of {@link gradcheck}; the defaults are PyTorch's. */
export interface GradcheckOptions {
  /** Finite-difference step. Default 1e-6. */
  eps?: number;
  /** Absolute tolerance. Default 1e-5. */
  atol?: number;
  /** Relative tolerance, against the numerical value. Default 1e-3. */
  rtol?: number;
  /** Throw a {@link GradcheckError} describing the worst mismatch (default) instead of returning false. */
  raiseException?: boolean;
}

/**
 * A gradient check failed; the message names the input, element, output, and both values.
 *
 * @example
 * ```ts
 * // A custom square whose backward forgets the factor 2.
 * const badSquare = customOp({
 *   name: 'badSquare',
 *   inputs: ['x'],
 *   forward: ([x]) => ({ outputs: mul(x, x) }),
 *   backward: ([g], _saved, { inputs: [x] }) => [mul(g, x)],
 * });
 * const x = tensor([0.5, -1], undefined, 'float64').requiresGrad_();
 * try {
 *   gradcheck((a) => badSquare(a), [x]);
 * } catch (e) {
 *   console.assert(e instanceof GradcheckError && e.code === 'INVALID_ARGUMENT');
 * }
 * ```
 */
export class GradcheckError extends SeqlabError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

/** A function checked by {@link gradcheck}: tensors in, one tensor or several out. */
export type GradcheckFunction = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

function outputsOf(value: Tensor | readonly Tensor[]): Tensor[] {
  const list = value instanceof Tensor ? [value] : [...value];
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new InvalidArgumentError(`gradcheck: output ${i} of 'fn' must be a Tensor; received ${typeof t}`);
  });
  return list;
}

function withValues(t: Tensor, values: Float64Array): Tensor {
  return tensor(values, [...t.shape], { dtype: 'float64', backend: t.backendName });
}

/** What {@link gradcheckReport} measured: the worst disagreement between backward and finite differences. */
export interface GradcheckReport {
  /** Every entry agrees within `atol + rtol·|numerical|`: what {@link gradcheck} returns. */
  readonly passed: boolean;
  /** Largest |analytical − numerical| over every Jacobian entry. */
  readonly maxAbsoluteError: number;
  /**
   * Largest |analytical − numerical| / max(|analytical|, |numerical|, atol) over every entry: the relative error,
   * measured against `atol` where both values are smaller (finite-difference noise on entries near zero is not
   * inflated into a large ratio).
   */
  readonly maxRelativeError: number;
  /** Jacobian entries compared (output elements × differentiated input elements). */
  readonly entries: number;
  /** The worst entry outside the tolerance, described as {@link gradcheck}'s error message; null when it passed. */
  readonly failure: string | null;
}

/**
 * Checks the gradients that `backward()` computes for `fn` against central finite differences
 * `(f(x + eps) − f(x − eps)) / 2eps`, for every element of every input that requires gradients and every element
 * of every float output (the full Jacobian, so keep the tensors small). Inputs that require gradients must be
 * float64, as in `torch.autograd.gradcheck`. The caller's tensors and their `.grad` are left untouched.
 *
 * @param fn - the function to check; it may return one tensor or several
 * @param inputs - its arguments; those with `requiresGrad` are differentiated
 * @returns true when every entry agrees within `atol + rtol·|numerical|`
 * @example
 * ```ts
 * const x = tensor([[0.3, -1.2], [2.0, 0.5]], undefined, 'float64').requiresGrad_();
 * gradcheck((a) => tanh(matmul(a, a)), [x]); // true
 * ```
 */
export function gradcheck(fn: GradcheckFunction, inputs: readonly Tensor[], options: GradcheckOptions = {}): boolean {
  const report = gradcheckReport(fn, inputs, options);
  if (report.failure !== null && (options.raiseException ?? true)) throw new GradcheckError(report.failure);
  return report.passed;
}

/**
 * The same check as {@link gradcheck} (same arguments and tolerances), returning what it measured instead of only
 * pass or fail: the largest absolute and relative errors over the Jacobian, its size, and the worst failing entry.
 * It never throws for a mismatch (`raiseException` is ignored); invalid arguments still throw.
 *
 * @example
 * ```ts
 * const x = tensor([[0.3, -1.2], [2.0, 0.5]], undefined, 'float64').requiresGrad_();
 * const checked = gradcheckReport((a) => tanh(matmul(a, a)), [x]);
 * console.assert(checked.passed && checked.entries === 16 && checked.maxRelativeError < 1e-6);
 * ```
 */
export function gradcheckReport(fn: GradcheckFunction, inputs: readonly Tensor[], options: GradcheckOptions = {}): GradcheckReport {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3 } = options;
  if (typeof fn !== 'function') throw new InvalidArgumentError(`gradcheck: argument 'fn' must be a function; received ${typeof fn}`);
  if (!Array.isArray(inputs)) throw new InvalidArgumentError(`gradcheck: argument 'inputs' must be an array of tensors`);
  for (const [name, v] of [
    ['eps', eps],
    ['atol', atol],
    ['rtol', rtol],
  ] as const) {
    if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) {
      throw new InvalidArgumentError(`gradcheck: option '${name}' must be a finite non-negative number; received ${String(v)}`);
    }
  }
  const checked: number[] = [];
  inputs.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new InvalidArgumentError(`gradcheck: input ${i} must be a Tensor; received ${typeof t}`);
    if (!t.requiresGrad) return;
    if (t.dtype !== 'float64') {
      throw new DTypeMismatchError(`gradcheck: input ${i} requires gradients and must be float64 for accurate differences; received ${t.dtype}`);
    }
    checked.push(i);
  });
  if (checked.length === 0) throw new InvalidArgumentError('gradcheck: no input requires gradients; call requiresGrad_() on the ones to check');

  // Fresh leaves, so the caller's tensors and gradients are not touched.
  const leaves = inputs.map((t) => (t.requiresGrad ? setRequiresGrad(t.alias()) : t));
  const outputs = outputsOf(fn(...leaves));
  const base = inputs.map((t) => (t.requiresGrad ? (t.dataSync() as Float64Array) : null));

  // numerical[input][outputIndex][flatOut][flatIn]; analytical alike, filled by one backward per output element.
  let worst: { excess: number; text: string } | null = null;
  let maxAbsoluteError = 0;
  let maxRelativeError = 0;
  let entries = 0;
  outputs.forEach((out, o) => {
    if (!isFloatDType(out.dtype)) return;
    const numeric = checked.map((i) => new Float64Array(out.size * inputs[i].size));
    for (let c = 0; c < checked.length; c++) {
      const i = checked[c];
      const values = base[i] as Float64Array;
      for (let k = 0; k < values.length; k++) {
        const shifted = (delta: number): Float64Array => {
          const v = values.slice();
          v[k] += delta;
          const args = inputs.map((t, j) => (j === i ? withValues(t, v) : t));
          return noGrad(() => outputsOf(fn(...args))[o].dataSync() as Float64Array);
        };
        const plus = shifted(eps);
        const minus = shifted(-eps);
        for (let m = 0; m < out.size; m++) numeric[c][m * values.length + k] = (plus[m] - minus[m]) / (2 * eps);
      }
    }
    for (let m = 0; m < out.size; m++) {
      const seed = new Float64Array(out.size);
      seed[m] = 1;
      for (const leaf of leaves) leaf.grad = null;
      if (out.requiresGrad) backward(out, tensor(seed, [...out.shape], { dtype: out.dtype, backend: out.backendName }), { retainGraph: true });
      for (let c = 0; c < checked.length; c++) {
        const i = checked[c];
        const grad = leaves[i].grad ?? zeros([...inputs[i].shape], { dtype: 'float64', backend: inputs[i].backendName });
        const analytic = grad.dataSync();
        for (let k = 0; k < analytic.length; k++) {
          const a = analytic[k];
          const n = numeric[c][m * analytic.length + k];
          const error = Math.abs(a - n);
          entries++;
          // NaN compares false, so record it explicitly: a NaN gradient is the largest error there is.
          maxAbsoluteError = Number.isNaN(error) ? NaN : Math.max(maxAbsoluteError, error);
          maxRelativeError = Number.isNaN(error) ? NaN : Math.max(maxRelativeError, error / Math.max(Math.abs(a), Math.abs(n), atol));
          const excess = Math.abs(a - n) - (atol + rtol * Math.abs(n));
          if (excess > 0 || Number.isNaN(a) !== Number.isNaN(n)) {
            if (worst === null || excess > worst.excess || Number.isNaN(excess)) {
              worst = {
                excess: Number.isNaN(excess) ? Infinity : excess,
                text:
                  `gradcheck: d(output ${o}[${m}]) / d(input ${i}[${k}]): backward gave ${a}, finite differences ${n} ` +
                  `(|diff| ${Math.abs(a - n)} > atol ${atol} + rtol ${rtol}·|numerical|)`,
              };
            }
          }
        }
      }
    }
  });
  for (const leaf of leaves) if (leaf.requiresGrad) leaf.grad = null;
  const failure = worst === null ? null : (worst as { text: string }).text;
  return { passed: failure === null, maxAbsoluteError, maxRelativeError, entries, failure };
}
