// Test helpers: asserting typed seqlab errors by class, code and message.
import { SeqlabError } from '@seqlab/tensor-core';
import { expect } from 'vitest';

/** Runs `fn`, expects a SeqlabError with `code`, and checks its message against each pattern. */
export function expectSeqlabError(fn: () => unknown, code: string, ...patterns: RegExp[]): SeqlabError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected a SeqlabError to be thrown').toBeInstanceOf(SeqlabError);
  const err = caught as SeqlabError;
  expect(err.code).toBe(code);
  for (const p of patterns) expect(err.message).toMatch(p);
  return err;
}

/** The async form of {@link expectSeqlabError}. */
export async function expectSeqlabErrorAsync(fn: () => Promise<unknown>, code: string, ...patterns: RegExp[]): Promise<SeqlabError> {
  let caught: unknown;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected a SeqlabError to be thrown').toBeInstanceOf(SeqlabError);
  const err = caught as SeqlabError;
  expect(err.code).toBe(code);
  for (const p of patterns) expect(err.message).toMatch(p);
  return err;
}
