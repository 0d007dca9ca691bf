// Terminal colours that honour NO_COLOR (https://no-color.org) and stay off when the stream is not a terminal.
import type { WriteStream } from 'node:tty';

/** True when escape codes may be written to `stream`: a terminal, NO_COLOR unset or empty, TERM not `dumb`. */
export function colorEnabled(stream: NodeJS.WriteStream | WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** The few styles the CLI uses; each is the identity when colour is off. */
export interface Style {
  /** Emphasis for headings and key numbers. */
  bold(text: string): string;
  /** De-emphasis for secondary details. */
  dim(text: string): string;
  /** Errors. */
  red(text: string): string;
  /** Good news: a finished run, a written file. */
  green(text: string): string;
  /** Model names and paths. */
  cyan(text: string): string;
}

function wrap(enabled: boolean, open: number, close: number): (text: string) => string {
  return enabled ? (text) => `\u001b[${open}m${text}\u001b[${close}m` : (text) => text;
}

/** Styles for `stream`, coloured only when {@link colorEnabled}. */
export function styleFor(stream: NodeJS.WriteStream | WriteStream = process.stdout): Style {
  const on = colorEnabled(stream);
  return { bold: wrap(on, 1, 22), dim: wrap(on, 2, 22), red: wrap(on, 31, 39), green: wrap(on, 32, 39), cyan: wrap(on, 36, 39) };
}
