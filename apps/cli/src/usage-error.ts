// The error a user's mistake raises (unknown model, missing file, bad number, corrupt checkpoint), and the exit codes.
import { SeqlabError } from '@seqlab/tensor-core';

/** Exit statuses of the `seqlab` command. */
export const ExitCode = {
  /** The command did what was asked. */
  ok: 0,
  /** A bug in seqlab: the message comes with a stack trace to report. */
  internal: 1,
  /** The user's input was wrong: one line says what to change. */
  usage: 2,
  /** Training stopped because the loss or a gradient stopped being finite. */
  diverged: 3,
  /** Interrupted by Ctrl-C after writing a checkpoint (128 + SIGINT, as shells report it). */
  interrupted: 130,
  /** The reader of the output went away (`| head`); ended quietly, with the status a shell gives a tool killed by SIGPIPE. */
  brokenPipe: 141,
} as const;

/** A mistake in what the user asked for; the CLI prints its message as one line and exits with status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Training stopped on a non-finite loss or gradient; the CLI prints the message and exits with status 3. */
export class DivergedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DivergedError';
  }
}

/** Ctrl-C stopped a command after it saved its work; the CLI prints the message and exits with status 130. */
export class InterruptedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InterruptedError';
  }
}

/**
 * Runs `fn`, which reads something the user named (a file, a checkpoint, a text), and turns seqlab's typed
 * errors about that input into a {@link UsageError} prefixed with `what`, so a corrupt checkpoint or a text
 * that is not UTF-8 is reported as the user's input problem rather than as a crash.
 */
export async function asUserInput<T>(what: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UsageError) throw err;
    if (err instanceof SeqlabError) throw new UsageError(`${what}: ${err.message}`);
    const code = (err as NodeJS.ErrnoException | null)?.code;
    if (code === 'ENOENT') throw new UsageError(`${what}: no such file`);
    if (code === 'EISDIR') throw new UsageError(`${what}: is a directory, not a file`);
    if (code === 'EACCES' || code === 'EPERM') throw new UsageError(`${what}: permission denied`);
    throw err;
  }
}
