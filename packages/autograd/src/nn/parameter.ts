// Parameters and buffers: tensors a Module registers by name (parameters are trainable leaves).
import { InvalidArgumentError, Tensor } from '@seqlab/tensor-core';
import { setRequiresGrad } from '../engine/tensor-methods.js';

const PARAMETER = Symbol.for('seqlab.parameter');
const BUFFER = Symbol.for('seqlab.buffer');

/** A trainable leaf tensor (`requiresGrad` true) that a {@link Module} field registers; it is a `Tensor` in every op. */
export type Parameter = Tensor & {
  /** Brand that tells parameters from plain tensors. */
  readonly [PARAMETER]: true;
};

/** A non-trainable tensor that a {@link Module} saves in its state dict (running statistics, fixed tables). */
export type Buffer = Tensor & {
  /** Brand that tells buffers from plain tensors. */
  readonly [BUFFER]: true;
};

function brand(t: Tensor, key: symbol): void {
  Object.defineProperty(t, key, { value: true, enumerable: false });
}

// A tensor of `value`'s values in a storage its backend keeps where kernels read it in place (the wasm backend's
// resident memory; `assign` keeps it there), or a plain alias of `value` where the backend keeps none.
function residentTensor(value: Tensor): Tensor {
  const handle = value.backend.resident?.(value.handle, value.dtype, value.size);
  return handle === undefined ? value.alias() : Tensor.fromHandle(value.backend, handle, value.shape, value.dtype);
}

/**
 * Makes a trainable parameter holding `value`'s values, as `torch.nn.Parameter(value)`: a new leaf tensor that
 * requires gradients and is registered when assigned to a Module field. It shares `value`'s (immutable) storage, or
 * holds a copy where the backend keeps parameters resident (wasm: in WebAssembly memory, read without copying).
 *
 * @example
 * ```ts
 * class Scale extends Module {
 *   readonly gain = parameter(ones([4]));
 *   forward(x: Tensor): Tensor { return mul(x, this.gain); }
 * }
 * ```
 */
export function parameter(value: Tensor, requiresGrad = true): Parameter {
  if (!(value instanceof Tensor)) throw new InvalidArgumentError(`parameter: argument 'value' must be a Tensor; received ${typeof value}`);
  const p = residentTensor(value);
  setRequiresGrad(p, requiresGrad);
  brand(p, PARAMETER);
  return p as Parameter;
}

/**
 * Makes a buffer: state a Module saves and loads with its parameters but never trains, as `register_buffer`.
 *
 * @example
 * ```ts
 * class Center extends Module {
 *   readonly mean = buffer(tensor([0.5, 0.5]));
 *   forward(x: Tensor): Tensor { return sub(x, this.mean); }
 * }
 * const m = new Center();
 * console.assert(m.parameters().length === 0 && 'mean' in m.stateDict());
 * ```
 */
export function buffer(value: Tensor): Buffer {
  if (!(value instanceof Tensor)) throw new InvalidArgumentError(`buffer: argument 'value' must be a Tensor; received ${typeof value}`);
  const b = value.alias();
  brand(b, BUFFER);
  return b as Buffer;
}

/**
 * True for tensors made by {@link parameter}.
 *
 * @example
 * ```ts
 * const layer = new Linear(2, 2);
 * console.assert(isParameter(layer.weight) && !isParameter(ones([2])));
 * ```
 */
export function isParameter(value: unknown): value is Parameter {
  return value instanceof Tensor && (value as unknown as Record<symbol, unknown>)[PARAMETER] === true;
}

/**
 * True for tensors made by {@link buffer}.
 *
 * @example
 * ```ts
 * console.assert(isBuffer(buffer(zeros([3]))) && !isBuffer(parameter(zeros([3]))) && !isBuffer(zeros([3])));
 * ```
 */
export function isBuffer(value: unknown): value is Buffer {
  return value instanceof Tensor && (value as unknown as Record<symbol, unknown>)[BUFFER] === true;
}
