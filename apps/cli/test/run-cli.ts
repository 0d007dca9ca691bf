// Runs the built `seqlab` executable as a subprocess, as a user's shell would.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built CLI; `pnpm test` builds it first (locally: `cd apps/cli && npx tsup`). */
export const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build the CLI first (cd apps/cli && npx tsup)`);

/** What a finished run printed and how it exited. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runCli}. */
export interface RunOptions {
  /** Working directory (default: a fresh temporary folder). */
  cwd?: string;
  /** Extra environment variables; NO_COLOR and FORCE_COLOR are cleared unless given here. */
  env?: Record<string, string>;
}

/** Environment of a child: the parent's, minus colour switches the test did not ask for. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  return { ...env, ...extra };
}

/** A fresh temporary folder. */
export function tempDir(prefix = 'seqlab-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Starts the CLI without waiting for it. */
export function startCli(args: readonly string[], options: RunOptions = {}): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? tempDir(), env: childEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Collects a started child's output until it exits. */
export function finished(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs the CLI to completion. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return finished(startCli(args, options));
}

/** The JSON lines of a `--json` run, parsed. */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Per-step training losses from `train --json` output. */
export function stepLosses(stdout: string): Map<number, number> {
  const losses = new Map<number, number>();
  for (const e of jsonLines(stdout)) if (e.event === 'step') losses.set(e.step as number, e.loss as number);
  return losses;
}

/** Options of a tiny, fast training run for tests. */
export const TINY = ['--batch', '4', '--seq', '16', '--hidden', '16', '--eval-every', '10', '--eval-tokens', '256', '--backend', 'cpu'];

/** Resolves when the child has printed a JSON line matching `predicate` on stdout. */
export function waitForEvent(child: ChildProcess, predicate: (e: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (d: Buffer): void => {
      buffer += d.toString('utf8');
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        const event = JSON.parse(line) as Record<string, unknown>;
        if (predicate(event)) {
          child.stdout?.off('data', onData);
          resolve(event);
          return;
        }
      }
    };
    child.stdout?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`the CLI exited (${code}) before the awaited event`)));
  });
}
