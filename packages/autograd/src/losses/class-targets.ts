// Class-index targets for nllLoss and crossEntropy: validated on the host, with per-sample weights and ignored entries.
import {
  DTypeMismatchError,
  formatShape,
  InvalidArgumentError,
  isFloatDType,
  ShapeMismatchError,
  shapesEqual,
  Tensor,
  tensor,
  type DType,
} from '@seqlab/tensor-core';

/** Targets ready for gathering: safe indices, per-sample weights and their total. */
export interface ClassTargets {
  /** int32 indices shaped like the input with the class axis of size 1 (ignored entries point at class 0). */
  readonly indices: Tensor;
  /** Per-sample weight (class weight, or 1; 0 for ignored entries), shaped like the target, in the input's dtype. */
  readonly sampleWeights: Tensor;
  /** 1 for counted samples and 0 for ignored ones, shaped like the target, in the input's dtype. */
  readonly valid: Tensor;
  /** Sum of the per-sample weights: the divisor of the 'mean' reduction. */
  readonly weightSum: number;
  /** Class weights as numbers, or null. */
  readonly classWeights: Float64Array | null;
}

/** The class axis of a loss input: 0 for a single sample `[C]`, else 1 (`[N, C, ...]`), as PyTorch. */
export function classAxisOf(input: Tensor): number {
  return input.rank === 1 ? 0 : 1;
}

/**
 * Checks `target` against `input` (`[C]`, `[N, C]` or `[N, C, d1, ...]`) and prepares it. Reading the targets on
 * the host is cheap (they are small int tensors) and lets every bad index be reported precisely.
 */
export function prepareClassTargets(op: string, input: Tensor, target: Tensor, ignoreIndex: number, weight: Tensor | undefined): ClassTargets {
  if (!(input instanceof Tensor)) throw new InvalidArgumentError(`${op}: argument 'input' must be a Tensor; received ${typeof input}`);
  if (!(target instanceof Tensor)) throw new InvalidArgumentError(`${op}: argument 'target' must be a Tensor; received ${typeof target}`);
  if (!isFloatDType(input.dtype)) throw new DTypeMismatchError(`${op}: argument 'input' must be float32 or float64; received ${input.dtype}`);
  if (input.rank === 0) throw new ShapeMismatchError(`${op}: argument 'input' must be [C], [N, C] or [N, C, d1, ...]; received a scalar`);
  if (target.dtype !== 'int32') {
    throw new DTypeMismatchError(`${op}: argument 'target' must hold int32 class indices; received ${target.dtype}`);
  }
  if (!Number.isInteger(ignoreIndex)) throw new InvalidArgumentError(`${op}: option 'ignoreIndex' must be an integer; received ${String(ignoreIndex)}`);
  const axis = classAxisOf(input);
  const classes = input.shape[axis];
  const expected = input.shape.filter((_, d) => d !== axis);
  if (!shapesEqual(target.shape, expected)) {
    throw new ShapeMismatchError(
      `${op}: argument 'target' must have shape ${formatShape(expected)} (input ${formatShape(input.shape)} without the class axis ${axis}); received ${formatShape(target.shape)}`,
    );
  }
  let classWeights: Float64Array | null = null;
  if (weight !== undefined) {
    if (!(weight instanceof Tensor) || weight.rank !== 1 || weight.shape[0] !== classes) {
      throw new ShapeMismatchError(
        `${op}: option 'weight' must be a tensor of shape [${classes}] (one weight per class); received ${weight instanceof Tensor ? formatShape(weight.shape) : typeof weight}`,
      );
    }
    classWeights = Float64Array.from(weight.dataSync());
  }
  const t = target.dataSync();
  const safe = new Int32Array(t.length);
  const w = new Float64Array(t.length);
  const valid = new Float64Array(t.length);
  let weightSum = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === ignoreIndex) continue;
    valid[i] = 1;
    if (c < 0 || c >= classes) {
      throw new InvalidArgumentError(
        `${op}: argument 'target' holds ${c} at flat index ${i}; class indices must be in [0, ${classes - 1}] or equal ignoreIndex (${ignoreIndex})`,
      );
    }
    safe[i] = c;
    w[i] = classWeights === null ? 1 : classWeights[c];
    weightSum += w[i];
  }
  const dtype: DType = input.dtype;
  const indexShape = input.shape.map((d, k) => (k === axis ? 1 : d));
  return {
    indices: tensor(safe, indexShape, { dtype: 'int32', backend: input.backendName }),
    sampleWeights: tensor(w, [...target.shape], { dtype, backend: input.backendName }),
    valid: tensor(valid, [...target.shape], { dtype, backend: input.backendName }),
    weightSum,
    classWeights,
  };
}
