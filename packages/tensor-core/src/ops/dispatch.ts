// What every op front-end shares: argument coercion, backend agreement, kernel lookup and tape recording.
import type { Backend, DataHandle, KernelName, Kernels } from '../backend.js';
import { allocArray, checkStorable, storable, type DType } from '../dtype.js';
import { BackendMismatchError, DisposedError, DTypeMismatchError, InvalidArgumentError, KernelNotFoundError } from '../errors.js';
import { getBackend, listBackends } from '../registry.js';
import { coreState } from '../shared-state.js';
import { describe, formatShape, resolveShape, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import type { OpAttrs, OpName } from './names.js';

/**
 * A tensor or a plain number, taken as a scalar of the other operand's dtype: an int32 operand truncates a fraction
 * toward zero and refuses NaN, ±Infinity and numbers beyond the int32 range (INVALID_ARGUMENT); a bool one takes 0 or 1.
 */
export type TensorLike = Tensor | number;

/**
 * Called after every recorded op when at least one input requires gradients.
 * `@seqlab/autograd` installs one with {@link setGradRecorder}; nothing else should.
 */
export type GradRecorder = <K extends OpName>(op: K, inputs: readonly Tensor[], output: Tensor, attrs: OpAttrs[K]) => void;

// Every loaded copy of tensor-core records through the one recorder installed last, kept in each copy's local
// variable so that `record` reads no shared object per op.
let recorder: GradRecorder | null = null;
const shareRecorder = coreState.link<GradRecorder | null>('gradRecorder', null, (next) => {
  recorder = next;
});

/**
 * Installs (or removes, with null) the autograd recorder, in every loaded copy of tensor-core. Returns the previous one.
 *
 * @example
 * ```ts
 * const ops: string[] = [];
 * const previous = setGradRecorder((op) => ops.push(op)); // called for ops whose inputs require gradients
 * setGradRecorder(previous); // restore
 * ```
 */
export function setGradRecorder(next: GradRecorder | null): GradRecorder | null {
  const previous = recorder;
  shareRecorder(next);
  return previous;
}

/** Internal: records `op` on the tape when a recorder is installed and an input requires gradients. */
export function record<K extends OpName>(op: K, inputs: readonly Tensor[], output: Tensor, attrs: OpAttrs[K]): Tensor {
  if (recorder !== null) {
    for (let i = 0; i < inputs.length; i++) {
      if (inputs[i].requiresGrad) {
        recorder(op, inputs, output, attrs);
        break;
      }
    }
  }
  return output;
}

/** Internal: throws INVALID_ARGUMENT unless `value` is a Tensor, DISPOSED when it was disposed. */
export function checkTensor(op: string, arg: string, value: unknown): Tensor {
  if (!(value instanceof Tensor)) {
    throw new InvalidArgumentError(`${op}: argument '${arg}' must be a Tensor; received ${describe(value)}`);
  }
  if (value.isDisposed) throw new DisposedError(`${op}: argument '${arg}' (tensor #${value.id} of shape ${formatShape(value.shape)}) was disposed`);
  return value;
}

/** Internal: throws INVALID_ARGUMENT unless `name` names a registered backend; `what` names the argument or option. */
export function checkBackendName(op: string, what: string, name: unknown): string {
  if (typeof name !== 'string' || !listBackends().includes(name)) {
    throw new InvalidArgumentError(`${op}: ${what} must be a registered backend (${listBackends().join(', ')}); received ${describe(name)}`);
  }
  return name;
}

/**
 * Internal: the backend a new tensor of `dtype` goes to (the named one, or the active one), or DTYPE_MISMATCH when
 * that backend cannot store `dtype` (float64 on wasm). Called before anything is allocated.
 */
export function storageFor(op: string, name: string | undefined, dtype: DType): Backend {
  const backend = getBackend(name);
  if (!backend.dtypes.includes(dtype)) {
    throw new DTypeMismatchError(`${op}: backend '${backend.name}' cannot store dtype ${dtype}; it stores ${backend.dtypes.join(', ')}`);
  }
  return backend;
}

/** Internal: the backend shared by `tensors`, or BACKEND_MISMATCH naming both. */
export function backendOf(op: string, tensors: readonly Tensor[], args?: readonly string[]): Backend {
  const first = tensors[0].backend;
  for (let i = 1; i < tensors.length; i++) {
    if (tensors[i].backend !== first) {
      const a = args?.[0] ?? 'argument 0';
      const b = args?.[i] ?? `argument ${i}`;
      throw new BackendMismatchError(
        `${op}: '${a}' is on backend '${first.name}' but '${b}' is on backend '${tensors[i].backendName}'; move one with .to(name)`,
      );
    }
  }
  return first;
}

/** Internal: the kernel `name` of `backend`, or KERNEL_NOT_FOUND. */
export function kernelOf<K extends KernelName>(backend: Backend, name: K): NonNullable<Kernels[K]> {
  const k = backend.kernels[name];
  if (k === undefined) throw new KernelNotFoundError(name, backend.name);
  return k as NonNullable<Kernels[K]>;
}

/** Internal: wraps a kernel result. */
export function wrap(backend: Backend, handle: DataHandle, shape: Shape, dtype: DType): Tensor {
  return Tensor.fromHandle(backend, handle, shape, dtype);
}

/**
 * Internal: a scalar tensor of `dtype` on `backend`. For an int32 scalar a fraction truncates toward zero, as
 * `cast` does, but NaN, ±Infinity and numbers beyond the int32 range are refused rather than wrapped; a bool
 * scalar takes 0 or 1. `op` and `arg` name the number in the error.
 */
export function scalarOn(backend: Backend, value: number, dtype: DType, op = 'scalar', arg = 'value'): Tensor {
  const stored = dtype === 'int32' ? Math.trunc(value) : value;
  if (!storable(stored, dtype)) checkStorable(op, `argument '${arg}'`, stored, dtype);
  const arr = allocArray(dtype, 1);
  arr[0] = value;
  return wrap(backend, backend.adopt(arr, dtype), [], dtype);
}

/**
 * Internal: coerces two operands of a binary op. Numbers become scalars of the tensor operand's dtype
 * (float32 when both are numbers); tensors must share dtype and backend.
 */
export function coercePair(op: string, a: TensorLike, b: TensorLike, argNames: readonly [string, string] = ['a', 'b']): [Tensor, Tensor, Backend] {
  const aIsT = a instanceof Tensor;
  const bIsT = b instanceof Tensor;
  if (!aIsT && typeof a !== 'number') {
    throw new InvalidArgumentError(`${op}: argument '${argNames[0]}' must be a Tensor or a number; received ${describe(a)}`);
  }
  if (!bIsT && typeof b !== 'number') {
    throw new InvalidArgumentError(`${op}: argument '${argNames[1]}' must be a Tensor or a number; received ${describe(b)}`);
  }
  if (aIsT) checkTensor(op, argNames[0], a);
  if (bIsT) checkTensor(op, argNames[1], b);
  if (aIsT && bIsT) {
    const backend = backendOf(op, [a, b], argNames);
    if (a.dtype !== b.dtype) {
      throw new DTypeMismatchError(`${op}: '${argNames[0]}' is ${a.dtype} but '${argNames[1]}' is ${b.dtype}; cast one with cast()`);
    }
    return [a, b, backend];
  }
  if (aIsT) return [a, scalarOn(a.backend, b as number, a.dtype, op, argNames[1]), a.backend];
  if (bIsT) return [scalarOn(b.backend, a as number, b.dtype, op, argNames[0]), b, b.backend];
  const backend = getBackend();
  return [scalarOn(backend, a as number, 'float32', op, argNames[0]), scalarOn(backend, b as number, 'float32', op, argNames[1]), backend];
}

/** Internal: throws DTYPE_MISMATCH unless `t.dtype` is one of `allowed`. */
export function checkDType(op: string, arg: string, t: Tensor, allowed: readonly DType[]): void {
  if (!allowed.includes(t.dtype)) {
    throw new DTypeMismatchError(`${op}: argument '${arg}' must have dtype ${allowed.join(' or ')}; received ${t.dtype}`);
  }
}

/**
 * Internal: the one definition of `reshape` and `Tensor.view` (errors name `op`): the same storage under a
 * validated shape, recorded for autograd as `reshape`.
 */
export function reshapeAs(op: string, x: Tensor, shape: readonly number[]): Tensor {
  checkTensor(op, 'x', x);
  const resolved = resolveShape(op, x.shape, shape);
  return record('reshape', [x], x.alias(resolved), { shape: resolved });
}
