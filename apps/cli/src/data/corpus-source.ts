// What `--data` names: a shipped corpus by name, or a UTF-8 text file by path, split 90/10 into train and validation.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { listCorpora, loadCorpus, loadTextFile, textCorpus, type Corpus } from '@seqlab/datasets';
import { asUserInput, UsageError } from '../usage-error.js';

/** The corpus the CLI trains and evaluates on unless `--data` says otherwise. */
export const DEFAULT_DATA = 'tinyshakespeare';

/**
 * Loads the corpus `--data` names: a shipped corpus (`tinyshakespeare`) or a path to a UTF-8 text file. A
 * missing file, a directory, invalid UTF-8 or a text too short to split are {@link UsageError}s.
 */
export async function loadDataSource(data: string): Promise<Corpus> {
  if (listCorpora().includes(data)) return loadCorpus(data);
  const path = resolve(data);
  if (!existsSync(path)) {
    throw new UsageError(`--data '${data}' is neither a shipped corpus (${listCorpora().join(', ')}) nor an existing file`);
  }
  if (!statSync(path).isFile()) throw new UsageError(`--data '${data}' is a directory; give a text file`);
  const text = await asUserInput(`--data '${data}'`, () => loadTextFile(path));
  if (text.length < 100) throw new UsageError(`--data '${data}' holds ${text.length} characters; a corpus needs at least 100`);
  return asUserInput(`--data '${data}'`, () => textCorpus(text, { name: path }));
}
