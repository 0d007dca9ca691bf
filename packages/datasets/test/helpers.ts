// Test helpers: asserting typed seqlab errors by class, code and message; files in a temporary folder.
import { SeqlabError } from '@seqlab/tensor-core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';

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

/** A temporary folder (removed after the test file) and a writer of files in it, which returns each file's path. */
export function temporaryFiles(prefix: string): { dir: string; file: (name: string, content: string | Uint8Array) => string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string | Uint8Array): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  return { dir, file };
}
