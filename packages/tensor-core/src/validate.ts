// The one validation module: describing a received value and the argument checks every package shares, with typed errors.
import { InvalidArgumentError } from './errors.js';
import { formatShape, type Shape } from './shape.js';

/** How an error message names what was checked: `argument 'x'`, `option 'x'` or `config 'x'`. */
export type ArgumentKind = 'argument' | 'option' | 'config';

/**
 * A short description of any received value for error messages: numbers, booleans, null and undefined as written,
 * strings quoted (cut at 40 characters), short arrays listed, tensors by dtype and shape, typed arrays by length.
 *
 * @example
 * ```ts
 * describeValue('abc'); // '"abc"'
 * describeValue(zeros([2, 3])); // 'a float32 tensor of shape [2, 3]'
 * ```
 */
export function describeValue(value: unknown): string {
  if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return value.length > 8 ? `an array of length ${value.length}` : `[${value.map(describeValue).join(', ')}]`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && 'shape' in value && 'dtype' in value) {
    const t = value as { shape: Shape; dtype: string };
    return `a ${t.dtype} tensor of shape ${formatShape(t.shape)}`;
  }
  const name = (value as object).constructor?.name;
  if (ArrayBuffer.isView(value) && 'length' in value) return `a ${name} of length ${String(value.length)}`;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

/**
 * `value` when it is an integer ≥ 1 (and a safe integer), else INVALID_ARGUMENT naming `op`, the argument and the
 * value received.
 *
 * @example
 * ```ts
 * const heads = checkPositiveInt('MultiHeadAttention', 'numHeads', options.numHeads);
 * ```
 */
export function checkPositiveInt(op: string, name: string, value: unknown, kind: ArgumentKind = 'argument'): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(`${op}: ${kind} '${name}' must be a positive integer; received ${describeValue(value)}`);
  }
  return value;
}

/**
 * `value` when it is an integer ≥ 0 (and a safe integer), else INVALID_ARGUMENT.
 *
 * @example
 * ```ts
 * const drop = checkNonNegativeInt('DataLoader', 'dropLast', 0);
 * ```
 */
export function checkNonNegativeInt(op: string, name: string, value: unknown, kind: ArgumentKind = 'argument'): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(`${op}: ${kind} '${name}' must be a non-negative integer; received ${describeValue(value)}`);
  }
  return value;
}

/**
 * `value` when it is an integer ≥ `min` (and a safe integer), else INVALID_ARGUMENT: `must be an integer ≥ min`, for
 * bounds other than the 0 and 1 of {@link checkNonNegativeInt} and {@link checkPositiveInt} or where a message says so.
 *
 * @example
 * ```ts
 * const topK = checkIntegerAtLeast('generate', 'topK', options.topK, 0, 'option');
 * ```
 */
export function checkIntegerAtLeast(op: string, name: string, value: unknown, min: number, kind: ArgumentKind = 'argument'): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidArgumentError(`${op}: ${kind} '${name}' must be an integer ≥ ${min}; received ${describeValue(value)}`);
  }
  return value;
}

/**
 * `value` when it is a boolean, `fallback` when it is undefined and a fallback is given, else INVALID_ARGUMENT.
 *
 * @example
 * ```ts
 * const fused = checkBoolean('LSTM', 'fused', options.fused, true, 'option');
 * ```
 */
export function checkBoolean(op: string, name: string, value: unknown, fallback?: boolean, kind: ArgumentKind = 'argument'): boolean {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidArgumentError(`${op}: ${kind} '${name}' must be a boolean; received ${describeValue(value)}`);
  return value;
}
