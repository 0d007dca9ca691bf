// Test helpers: asserting typed seqlab errors by class, code and message.
import { SeqlabError } from '@seqlab/tensor-core';
import { expect } from 'vitest';

/** Runs `fn`, expects a SeqlabError with `code`, and checks its message against each pattern. */
export function expectSeqlabError(fn: () => unknown, code: string, ...patterns: RegExp[]): SeqlabError {
  try {
    fn();
  } catch (err) {
    return checkSeqlabError(err, code, patterns);
  }
  return checkSeqlabError(undefined, code, patterns);
}

/** The async form of {@link expectSeqlabError}. */
export async function expectSeqlabErrorAsync(fn: () => Promise<unknown>, code: string, ...patterns: RegExp[]): Promise<SeqlabError> {
  try {
    await fn();
  } catch (err) {
    return checkSeqlabError(err, code, patterns);
  }
  return checkSeqlabError(undefined, code, patterns);
}

function checkSeqlabError(caught: unknown, code: string, patterns: readonly RegExp[]): SeqlabError {
  expect(caught, 'expected a SeqlabError to be thrown').toBeInstanceOf(SeqlabError);
  const err = caught as SeqlabError;
  expect(err.code).toBe(code);
  for (const p of patterns) expect(err.message).toMatch(p);
  return err;
}
