// Reading user text files in Node: streamed in chunks, validated as UTF-8 with the offset of the first bad byte.
import { InvalidArgumentError, requireNodeBuiltin } from '@seqlab/tensor-core';
import { Utf8Validator } from './utf8.js';
import { checkOptions, checkPositiveInt, describeValue } from './validate.js';

/** Options of {@link readTextChunks} and {@link loadTextFile}. */
export interface TextFileOptions {
  /** Bytes read per chunk. Default 1 MiB. */
  chunkSize?: number;
}

interface NodeFs {
  createReadStream(path: string, options: { highWaterMark: number }): AsyncIterable<Uint8Array>;
}

function openFs(fn: string): NodeFs {
  return requireNodeBuiltin<NodeFs>('node:fs', `${fn} (elsewhere load the bytes yourself and call decodeUtf8)`);
}

function fileError(fn: string, path: string, err: unknown): Error {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return new InvalidArgumentError(`${fn}: argument 'path' names no file: '${path}' does not exist`);
  if (code === 'EISDIR') return new InvalidArgumentError(`${fn}: argument 'path' must name a file; '${path}' is a directory`);
  if (code === 'EACCES') return new InvalidArgumentError(`${fn}: argument 'path' names a file that cannot be read (permission denied): '${path}'`);
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * The bytes of the file at `path` in chunks, each validated as UTF-8 before it is yielded (a sequence may straddle
 * two chunks); the end of input is checked too. Errors name `fn`. Node only. For readers that work on bytes (the
 * encoded corpora); {@link readTextChunks} decodes these chunks to strings.
 *
 * @example
 * ```ts
 * let bytes = 0;
 * for await (const chunk of validatedByteChunks('encodeTextFile', 'corpus.txt', {})) bytes += chunk.length;
 * ```
 */
export async function* validatedByteChunks(fn: string, path: unknown, options: TextFileOptions | undefined): AsyncGenerator<Uint8Array> {
  if (typeof path !== 'string' || path.length === 0) {
    throw new InvalidArgumentError(`${fn}: argument 'path' must be a non-empty string; received ${describeValue(path)}`);
  }
  const opts = checkOptions(fn, options);
  const chunkSize = checkPositiveInt(fn, 'chunkSize', opts.chunkSize ?? 1 << 20);
  const fs = openFs(fn);
  const validator = new Utf8Validator(`file '${path}'`, fn);
  let stream: AsyncIterable<Uint8Array>;
  try {
    stream = fs.createReadStream(path, { highWaterMark: chunkSize });
  } catch (err) {
    throw fileError(fn, path, err);
  }
  const iterator = stream[Symbol.asyncIterator]();
  for (;;) {
    let step: IteratorResult<Uint8Array>;
    try {
      step = await iterator.next();
    } catch (err) {
      throw fileError(fn, path, err);
    }
    if (step.done) break;
    try {
      validator.push(step.value);
    } catch (err) {
      await iterator.return?.();
      throw err;
    }
    yield step.value;
  }
  validator.end();
}

async function* chunks(fn: string, path: unknown, options: TextFileOptions | undefined): AsyncGenerator<string> {
  // The decoder only ever sees validated bytes; `stream: true` carries a sequence split across two chunks.
  const decoder = new TextDecoder('utf-8');
  for await (const bytes of validatedByteChunks(fn, path, options)) {
    const text = decoder.decode(bytes, { stream: true });
    if (text.length > 0) yield text;
  }
  const tail = decoder.decode();
  if (tail.length > 0) yield tail;
}

/**
 * Streams a UTF-8 text file as decoded string chunks, so that files larger than memory can be tokenized
 * piece by piece. Ill-formed UTF-8 throws {@link Utf8Error} naming the byte offset; a missing file throws
 * an `InvalidArgumentError` naming the path. Node only.
 *
 * @param path - the file to read
 * @example
 * ```ts
 * let characters = 0;
 * for await (const piece of readTextChunks('corpus.txt')) characters += piece.length;
 * ```
 */
export function readTextChunks(path: string, options?: TextFileOptions): AsyncGenerator<string> {
  return chunks('readTextChunks', path, options);
}

/**
 * Reads a whole UTF-8 text file (streamed and validated as in {@link readTextChunks}). An empty file is an
 * error, since a corpus needs at least one character. Node only.
 *
 * @param path - the file to read
 * @example
 * ```ts
 * const corpus = textCorpus(await loadTextFile('my-novel.txt'), { name: 'my-novel' });
 * ```
 */
export async function loadTextFile(path: string, options?: TextFileOptions): Promise<string> {
  const parts: string[] = [];
  for await (const part of chunks('loadTextFile', path, options)) parts.push(part);
  const text = parts.join('');
  if (text.length === 0) {
    throw new InvalidArgumentError(`loadTextFile: file '${path}' is empty; a corpus needs at least one character`);
  }
  return text;
}
