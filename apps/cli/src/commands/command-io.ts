// Where commands write: stdout for results, stderr for progress and messages, with styles for each.
import { styleFor, type Style } from '../style.js';

/** Output streams of a command and their styles. */
export interface CommandIO {
  /** Results (text, or JSON under `--json`). */
  readonly stdout: NodeJS.WriteStream;
  /** Progress and messages. */
  readonly stderr: NodeJS.WriteStream;
  /** Styles for stdout. */
  readonly out: Style;
  /** Styles for stderr. */
  readonly err: Style;
}

/** The process's own streams. */
export function processIO(): CommandIO {
  return { stdout: process.stdout, stderr: process.stderr, out: styleFor(process.stdout), err: styleFor(process.stderr) };
}

/** Writes `value` as one line of JSON on stdout. */
export function printJson(io: CommandIO, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value)}\n`);
}
