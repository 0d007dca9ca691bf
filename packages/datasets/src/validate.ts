// Argument checks shared by the package; each throws a typed error naming the function, the argument, the expectation and the value received.
import { describeValue, Generator, InvalidArgumentError } from '@seqlab/tensor-core';

// The value describer and the integer and boolean checks are tensor-core's one validation module.
export { checkBoolean, checkNonNegativeInt, checkPositiveInt, describeValue } from '@seqlab/tensor-core';

/** A {@link Generator}, or a typed error. */
export function checkGenerator(fn: string, value: unknown): Generator {
  if (!(value instanceof Generator)) {
    throw new InvalidArgumentError(`${fn}: argument 'generator' must be a Generator from @seqlab/tensor-core; received ${describeValue(value)}`);
  }
  return value;
}

/** An options object (or undefined, read as `{}`), or a typed error. */
export function checkOptions<T extends object>(fn: string, value: T | undefined): T {
  if (value === undefined) return {} as T;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(`${fn}: argument 'options' must be an object; received ${describeValue(value)}`);
  }
  return value;
}

/** A sequence of token ids as an Int32Array (copied only when it is not one already), or a typed error. */
export function toTokenArray(fn: string, arg: string, value: unknown): Int32Array {
  if (value instanceof Int32Array) return value;
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const src = value as ArrayLike<unknown>;
    const out = new Int32Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < -0x8000_0000 || v > 0x7fff_ffff) {
        throw new InvalidArgumentError(`${fn}: argument '${arg}' must hold int32 token ids; received ${describeValue(v)} at index ${i}`);
      }
      out[i] = v;
    }
    return out;
  }
  throw new InvalidArgumentError(`${fn}: argument '${arg}' must be an Int32Array or an array of token ids; received ${describeValue(value)}`);
}
