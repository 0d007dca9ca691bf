// What `--data` names: a shipped corpus by name, or a UTF-8 text file by path, held as token ids and split 90/10.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { encodeCorpus, encodeTextFile, listCorpora, loadCorpus, type CharTokenizer, type EncodedCorpus } from '@seqlab/datasets';
import { asUserInput, UsageError } from '../usage-error.js';

/** The corpus the CLI trains and evaluates on unless `--data` says otherwise. */
export const DEFAULT_DATA = 'tinyshakespeare';

/** The fewest characters a `--data` text may hold. */
const MIN_CHARACTERS = 100;

/** Options of {@link loadDataSource}. */
export interface DataSourceOptions {
  /** Encode with this vocabulary (a checkpoint's) instead of the text's own characters. */
  readonly tokenizer?: CharTokenizer;
  /** Prefix of the message when the text does not fit `tokenizer` (default `--data 'NAME'`). */
  readonly what?: string;
}

/**
 * Loads the corpus `--data` names as token ids: a shipped corpus (`tinyshakespeare`) or a path to a UTF-8 text file,
 * which is streamed into one id per character (a byte each for up to 256 distinct characters), never held as one
 * string, so texts of gigabytes load with memory close to their character count. A missing file, a directory, invalid
 * UTF-8, a text too short to split or longer than the corpus limit are {@link UsageError}s.
 */
export async function loadDataSource(data: string, options: DataSourceOptions = {}): Promise<EncodedCorpus> {
  const what = options.what ?? `--data '${data}'`;
  if (listCorpora().includes(data)) return asUserInput(what, () => encodeCorpus(loadCorpus(data), options.tokenizer));
  const path = resolve(data);
  if (!existsSync(path)) {
    throw new UsageError(`--data '${data}' is neither a shipped corpus (${listCorpora().join(', ')}) nor an existing file`);
  }
  if (!statSync(path).isFile()) throw new UsageError(`--data '${data}' is a directory; give a text file`);
  const corpus = await asUserInput(what, () => encodeTextFile(path, { tokenizer: options.tokenizer, name: path }));
  if (corpus.ids.length < MIN_CHARACTERS) {
    throw new UsageError(`--data '${data}' holds ${corpus.ids.length} characters; a corpus needs at least ${MIN_CHARACTERS}`);
  }
  return corpus;
}
