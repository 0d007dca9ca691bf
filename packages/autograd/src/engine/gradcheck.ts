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
  const { eps, atol, rtol } = checkTolerances(options);
  if (typeof fn !== 'function') throw new InvalidArgumentError(`gradcheck: argument 'fn' must be a function; received ${typeof fn}`);
  if (!Array.isArray(inputs)) throw new InvalidArgumentError(`gradcheck: argument 'inputs' must be an array of tensors`);
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
  const tally = new ErrorTally(atol, rtol);
  // numerical[input][flatOut][flatIn]; analytical alike, filled by one backward per output element.
  outputs.forEach((out, o) => {
    if (!isFloatDType(out.dtype)) return;
    const numeric = checked.map((i) => {
      const values = base[i] as Float64Array;
      return centralDifferences(values, out.size, eps, (v) => {
        const args = inputs.map((t, j) => (j === i ? withValues(t, v) : t));
        return noGrad(() => outputsOf(fn(...args))[o].dataSync() as Float64Array);
      });
    });
    compareWithBackward(out, o, leaves, checked, `input`, numeric, tally);
  });
  for (const leaf of leaves) if (leaf.requiresGrad) leaf.grad = null;
  return tally.report();
}

/**
 * {@link gradcheckReport} for the parameters of a model rather than the arguments of a function: `fn` computes the
 * model's outputs from its current parameters (a closure over the model and fixed inputs), and `parameters` are the
 * float64 tensors to differentiate, typically `module.parameters()`. Each is perturbed in place with `assign` for
 * the finite differences and restored exactly; their `.grad` is left as it was.
 *
 * @example
 * ```ts
 * const layer = new Linear(3, 2, { dtype: 'float64', generator: new Generator(0) });
 * const x = tensor([[0.5, -1, 2]], undefined, 'float64');
 * const checked = gradcheckParameters(() => tanh(layer.forward(x)), layer.parameters());
 * console.assert(checked.passed && checked.entries === 2 * (6 + 2));
 * ```
 */
export function gradcheckParameters(fn: () => Tensor | readonly Tensor[], parameters: readonly Tensor[], options: GradcheckOptions = {}): GradcheckReport {
  const op = 'gradcheckParameters';
  const { eps, atol, rtol } = checkTolerances(options);
  if (typeof fn !== 'function') throw new InvalidArgumentError(`${op}: argument 'fn' must be a function; received ${typeof fn}`);
  if (!Array.isArray(parameters) || parameters.length === 0) {
    throw new InvalidArgumentError(
      `${op}: argument 'parameters' must be a non-empty array of tensors; received ${Array.isArray(parameters) ? 'an empty array' : typeof parameters}`,
    );
  }
  parameters.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new InvalidArgumentError(`${op}: parameter ${i} must be a Tensor; received ${typeof p}`);
    if (!p.requiresGrad) throw new InvalidArgumentError(`${op}: parameter ${i} must require gradients`);
    if (p.dtype !== 'float64') throw new DTypeMismatchError(`${op}: parameter ${i} must be float64 for accurate differences; received ${p.dtype}`);
  });
  const saved = parameters.map((p) => p.grad);
  const originals = parameters.map((p) => withValues(p, p.dataSync() as Float64Array));
  const checked = parameters.map((_, i) => i);
  const tally = new ErrorTally(atol, rtol);
  try {
    const probe = noGrad(() => outputsOf(fn()));
    const numeric = probe.map((out, o) =>
      isFloatDType(out.dtype)
        ? parameters.map((p, i) => {
            const values = originals[i].dataSync() as Float64Array;
            return centralDifferences(values, out.size, eps, (v) => {
              p.assign(withValues(p, v));
              try {
                return noGrad(() => outputsOf(fn())[o].dataSync() as Float64Array);
              } finally {
                p.assign(originals[i]);
              }
            });
          })
        : null,
    );
    const outputs = outputsOf(fn());
    outputs.forEach((out, o) => {
      const table = numeric[o];
      if (table !== null) compareWithBackward(out, o, parameters, checked, 'parameter', table, tally);
    });
  } finally {
    parameters.forEach((p, i) => {
      p.assign(originals[i]);
      p.grad = saved[i];
    });
  }
  return tally.report();
}

function checkTolerances(options: GradcheckOptions): { eps: number; atol: number; rtol: number } {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3 } = options;
  for (const [name, v] of [
    ['eps', eps],
    ['atol', atol],
    ['rtol', rtol],
  ] as const) {
    if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) {
      throw new InvalidArgumentError(`gradcheck: option '${name}' must be a finite non-negative number; received ${String(v)}`);
    }
  }
  return { eps, atol, rtol };
}

/** ∂output/∂values by central differences, as `[outputSize × values.length]` row-major; `evaluate` gets shifted copies. */
function centralDifferences(values: Float64Array, outputSize: number, eps: number, evaluate: (shifted: Float64Array) => Float64Array): Float64Array {
  const numeric = new Float64Array(outputSize * values.length);
  for (let k = 0; k < values.length; k++) {
    const shifted = (delta: number): Float64Array => {
      const v = values.slice();
      v[k] += delta;
      return evaluate(v);
    };
    const plus = shifted(eps);
    const minus = shifted(-eps);
    for (let m = 0; m < outputSize; m++) numeric[m * values.length + k] = (plus[m] - minus[m]) / (2 * eps);
  }
  return numeric;
}

/** One backward per element of `out`, comparing the gradients reaching `targets[checked[c]]` with `numeric[c]`. */
function compareWithBackward(
  out: Tensor,
  o: number,
  targets: readonly Tensor[],
  checked: readonly number[],
  noun: string,
  numeric: Float64Array[],
  tally: ErrorTally,
): void {
  for (let m = 0; m < out.size; m++) {
    const seed = new Float64Array(out.size);
    seed[m] = 1;
    for (const i of checked) targets[i].grad = null;
    if (out.requiresGrad) backward(out, tensor(seed, [...out.shape], { dtype: out.dtype, backend: out.backendName }), { retainGraph: true });
    checked.forEach((i, c) => {
      const target = targets[i];
      const analytic = (target.grad ?? zeros([...target.shape], { dtype: 'float64', backend: target.backendName })).dataSync();
      for (let k = 0; k < analytic.length; k++)
        tally.add(analytic[k], numeric[c][m * analytic.length + k], () => `d(output ${o}[${m}]) / d(${noun} ${i}[${k}])`);
    });
  }
  for (const i of checked) targets[i].grad = null;
}

/** The running maxima and the worst failing entry of a gradient check. */
class ErrorTally {
  private maxAbsoluteError = 0;
  private maxRelativeError = 0;
  private entries = 0;
  private worst: { excess: number; text: string } | null = null;

  constructor(
    private readonly atol: number,
    private readonly rtol: number,
  ) {}

  add(a: number, n: number, where: () => string): void {
    const { atol, rtol } = this;
    const error = Math.abs(a - n);
    this.entries++;
    // NaN compares false, so record it explicitly: a NaN gradient is the largest error there is.
    this.maxAbsoluteError = Number.isNaN(error) ? NaN : Math.max(this.maxAbsoluteError, error);
    this.maxRelativeError = Number.isNaN(error) ? NaN : Math.max(this.maxRelativeError, error / Math.max(Math.abs(a), Math.abs(n), atol));
    const excess = error - (atol + rtol * Math.abs(n));
    if (excess > 0 || Number.isNaN(a) !== Number.isNaN(n)) {
      if (this.worst === null || excess > this.worst.excess || Number.isNaN(excess)) {
        this.worst = {
          excess: Number.isNaN(excess) ? Infinity : excess,
          text: `gradcheck: ${where()}: backward gave ${a}, finite differences ${n} (|diff| ${error} > atol ${atol} + rtol ${rtol}·|numerical|)`,
        };
      }
    }
  }

  report(): GradcheckReport {
    const failure = this.worst === null ? null : this.worst.text;
    return { passed: failure === null, maxAbsoluteError: this.maxAbsoluteError, maxRelativeError: this.maxRelativeError, entries: this.entries, failure };
  }
}
