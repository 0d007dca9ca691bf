// Parsers for numeric command-line options: each rejects a bad value with a UsageError naming the option.
import { UsageError } from './usage-error.js';

/** Bounds of a numeric option. */
export interface NumberBounds {
  /** Smallest allowed value (inclusive unless `minExclusive`). */
  min?: number;
  /** Exclude `min` itself. */
  minExclusive?: boolean;
  /** Largest allowed value (inclusive). */
  max?: number;
}

function describeRange(bounds: NumberBounds): string {
  const parts: string[] = [];
  if (bounds.min !== undefined) parts.push(`${bounds.minExclusive ? '>' : '≥'} ${bounds.min}`);
  if (bounds.max !== undefined) parts.push(`≤ ${bounds.max}`);
  return parts.length > 0 ? ` ${parts.join(' and ')}` : '';
}

function checkBounds(option: string, value: number, raw: string, kind: string, bounds: NumberBounds): number {
  const low = bounds.min === undefined || (bounds.minExclusive ? value > bounds.min : value >= bounds.min);
  const high = bounds.max === undefined || value <= bounds.max;
  if (!low || !high) throw new UsageError(`${option} must be ${kind}${describeRange(bounds)}; received '${raw}'`);
  return value;
}

/** Parses a decimal integer (no fraction, no exponent, within the safe range) for `option`. */
export function parseInteger(option: string, raw: string, bounds: NumberBounds = {}): number {
  const text = raw.trim();
  const value = /^[-+]?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value)) throw new UsageError(`${option} must be an integer${describeRange(bounds)}; received '${raw}'`);
  return checkBounds(option, value, raw, 'an integer', bounds);
}

/** Parses a finite decimal number (exponents allowed, as `3e-4`) for `option`. */
export function parseReal(option: string, raw: string, bounds: NumberBounds = {}): number {
  const text = raw.trim();
  const value = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value)) throw new UsageError(`${option} must be a number${describeRange(bounds)}; received '${raw}'`);
  return checkBounds(option, value, raw, 'a number', bounds);
}

/** A commander argument parser for an integer option. */
export function integerOption(option: string, bounds: NumberBounds = {}): (raw: string) => number {
  return (raw) => parseInteger(option, raw, bounds);
}

/** A commander argument parser for a real-valued option. */
export function realOption(option: string, bounds: NumberBounds = {}): (raw: string) => number {
  return (raw) => parseReal(option, raw, bounds);
}

/** A commander argument parser that accepts one of `choices`, listing them when the value is not one. */
export function choiceOption<T extends string>(option: string, choices: readonly T[]): (raw: string) => T {
  return (raw) => {
    if ((choices as readonly string[]).includes(raw)) return raw as T;
    throw new UsageError(`${option} must be one of ${choices.join(', ')}; received '${raw}'`);
  };
}
