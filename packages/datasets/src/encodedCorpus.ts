// Corpora held as token ids: a text file streamed into the smallest typed array its vocabulary fits, never one string.
import { InvalidArgumentError } from '@seqlab/tensor-core';
import type { Corpus } from './corpus.js';
import { validatedByteChunks, type TextFileOptions } from './textFile.js';
import { CharTokenizer } from './tokenizers/charTokenizer.js';
import { checkOptions, describeValue } from './validate.js';

/** Token ids of a corpus: one byte each for up to 256 distinct ids, two for up to 65,536, four beyond. */
export type TokenIdArray = Uint8Array | Uint16Array | Int32Array;

/**
 * The most characters a corpus may hold: 2³¹ − 1, because window offsets and token positions are int32 (as in
 * `randomWindows`' `offsets`), and because one JavaScript typed array of that many ids is the largest that
 * V8 allocates on every platform.
 *
 * @example
 * ```ts
 * console.assert(MAX_CORPUS_CHARACTERS === 2 ** 31 - 1);
 * const text = 'to be or not to be';
 * console.assert(countCharacters(text) <= MAX_CORPUS_CHARACTERS); // what encodeTextFile checks (its maxCharacters may only lower it)
 * ```
 */
export const MAX_CORPUS_CHARACTERS = 0x7fff_ffff;

/** A corpus encoded with a character tokenizer and split by characters into train and validation ids. */
export interface EncodedCorpus {
  /** The corpus name. */
  readonly name: string;
  /** The tokenizer the ids come from. */
  readonly tokenizer: CharTokenizer;
  /** Every id, in text order. */
  readonly ids: TokenIdArray;
  /** The first `floor(trainFraction · N)` ids (a view into `ids`). */
  readonly train: TokenIdArray;
  /** The remaining ids (a view into `ids`). */
  readonly validation: TokenIdArray;
  /** Fraction of the characters in `train`. */
  readonly trainFraction: number;
}

/** Options of {@link encodeTextFile}. */
export interface EncodeTextFileOptions extends TextFileOptions {
  /** Encode with this vocabulary (a resumed run's); default: every character of the file, in code point order. */
  tokenizer?: CharTokenizer;
  /** Fraction of the characters that go to training, in (0, 1). Default 0.9. */
  trainFraction?: number;
  /** A name for the corpus. Default: the path. */
  name?: string;
  /** Refuse files with more characters than this. Default and maximum {@link MAX_CORPUS_CHARACTERS}. */
  maxCharacters?: number;
}

/** The smallest id array that holds ids below `vocabSize`; an allocation the runtime refuses is a typed error. */
function idArray(fn: string, vocabSize: number, length: number): TokenIdArray {
  const bytes = vocabSize <= 0x100 ? 1 : vocabSize <= 0x10000 ? 2 : 4;
  try {
    return bytes === 1 ? new Uint8Array(length) : bytes === 2 ? new Uint16Array(length) : new Int32Array(length);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    throw new InvalidArgumentError(
      `${fn}: the ids of ${length} characters (${bytes} byte(s) each for ${vocabSize} distinct ones) need more memory than this process can allocate`,
    );
  }
}

function checkFraction(fn: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0 && value < 1)) {
    throw new InvalidArgumentError(`${fn}: argument 'trainFraction' must be a number strictly between 0 and 1; received ${describeValue(value)}`);
  }
  return value;
}

function split(name: string, tokenizer: CharTokenizer, ids: TokenIdArray, trainFraction: number): EncodedCorpus {
  const cut = Math.floor(trainFraction * ids.length);
  return { name, tokenizer, ids, train: ids.subarray(0, cut), validation: ids.subarray(cut), trainFraction };
}

/**
 * Code points of validated UTF-8 byte chunks, decoded without strings: a sequence cut by a chunk boundary is carried
 * to the next chunk. A byte-order mark at the very start is dropped, as `TextDecoder` (and so `loadTextFile`) does.
 */
class CodePointDecoder {
  private codePoint = 0;
  private pending = 0;
  private atStart = true;
  private buffer = new Int32Array(0);

  /** The code points completed by `chunk`, in a buffer reused by the next call. */
  decode(chunk: Uint8Array): Int32Array {
    if (this.buffer.length < chunk.length) this.buffer = new Int32Array(chunk.length);
    const out = this.buffer;
    let n = 0;
    let cp = this.codePoint;
    let pending = this.pending;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b < 0x80) out[n++] = b;
      else if (b >= 0xc0) {
        pending = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : 1;
        cp = b & (0x3f >> pending);
      } else {
        cp = (cp << 6) | (b & 0x3f);
        if (--pending === 0) out[n++] = cp;
      }
    }
    this.codePoint = cp;
    this.pending = pending;
    let first = 0;
    if (this.atStart && n > 0) {
      this.atStart = false;
      if (out[0] === 0xfeff) first = 1;
    }
    return out.subarray(first, n);
  }
}

function charactersOf(present: Uint8Array, astral: Set<number>): string[] {
  const characters: string[] = [];
  for (let c = 0; c < 0x10000; c++) if (present[c]) characters.push(String.fromCharCode(c));
  for (const cp of [...astral].sort((a, b) => a - b)) characters.push(String.fromCodePoint(cp));
  return characters;
}

/** Id of each code point under `tokenizer`'s policy: -1 to skip (under 'skip'), -2 when unknown (under 'error'). */
function idLookup(tokenizer: CharTokenizer): { bmp: Int32Array; astral: Map<number, number>; unknown: number } {
  const unknown = tokenizer.unknown === 'skip' ? -1 : tokenizer.unknown === 'replace' ? tokenizer.replacementId : -2;
  const bmp = new Int32Array(0x10000).fill(unknown);
  const astral = new Map<number, number>();
  tokenizer.characters.forEach((ch, id) => {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x10000) bmp[cp] = id;
    else astral.set(cp, id);
  });
  return { bmp, astral, unknown };
}

/** The second pass: the file's ids into `ids`; returns how many were written. */
async function encodeFile(fn: string, path: string, chunkOptions: TextFileOptions, tokenizer: CharTokenizer, ids: TokenIdArray): Promise<number> {
  const { bmp, astral, unknown } = idLookup(tokenizer);
  const decoder = new CodePointDecoder();
  const changed = (): Error => new InvalidArgumentError(`${fn}: file '${path}' changed while it was being read; read it again`);
  let n = 0;
  for await (const chunk of validatedByteChunks(fn, path, chunkOptions)) {
    const codePoints = decoder.decode(chunk);
    for (let i = 0; i < codePoints.length; i++) {
      const cp = codePoints[i];
      const id = cp < 0x10000 ? bmp[cp] : (astral.get(cp) ?? unknown);
      if (id >= 0) {
        if (n === ids.length) throw changed();
        ids[n++] = id;
      } else if (id === -2) throw changed();
    }
  }
  return n;
}

/**
 * Reads a UTF-8 text file into token ids without ever holding it as one string: a first streamed pass validates the
 * UTF-8, counts the characters and collects the vocabulary; a second encodes chunk by chunk into one typed array of
 * the smallest width the vocabulary allows (a 1 GB English text takes 1 GB, not the 2 GB of a UTF-16 string plus
 * 4 GB of int32 ids). The vocabulary and the 90/10 split by characters are those of `CharTokenizer.fromText` and
 * `textCorpus`, so both routes give the same ids. Given a `tokenizer`, a character outside it is an error
 * naming it (under its `'error'` policy). A file over `maxCharacters` characters is refused with an error naming the
 * limit. Node only.
 *
 * @param path - the file to read
 * @example
 * ```ts
 * const corpus = await encodeTextFile('my-novel.txt');
 * const batch = randomWindows(corpus.train, { batchSize: 32, seqLen: 64, generator: new Generator(1) });
 * ```
 */
export async function encodeTextFile(path: string, options?: EncodeTextFileOptions): Promise<EncodedCorpus> {
  const fn = 'encodeTextFile';
  const opts = checkOptions(fn, options);
  const trainFraction = checkFraction(fn, opts.trainFraction ?? 0.9);
  const maxCharacters = opts.maxCharacters ?? MAX_CORPUS_CHARACTERS;
  if (!Number.isSafeInteger(maxCharacters) || maxCharacters < 1 || maxCharacters > MAX_CORPUS_CHARACTERS) {
    throw new InvalidArgumentError(
      `${fn}: argument 'maxCharacters' must be an integer in [1, ${MAX_CORPUS_CHARACTERS}]; received ${describeValue(maxCharacters)}`,
    );
  }
  if (opts.tokenizer !== undefined && !(opts.tokenizer instanceof CharTokenizer)) {
    throw new InvalidArgumentError(`${fn}: argument 'tokenizer' must be a CharTokenizer; received ${describeValue(opts.tokenizer)}`);
  }
  const chunkOptions = { chunkSize: opts.chunkSize };
  const present = new Uint8Array(0x10000);
  const astral = new Set<number>();
  let count = 0;
  const first = new CodePointDecoder();
  for await (const chunk of validatedByteChunks(fn, path, chunkOptions)) {
    const codePoints = first.decode(chunk);
    for (let i = 0; i < codePoints.length; i++) {
      const cp = codePoints[i];
      if (cp < 0x10000) present[cp] = 1;
      else astral.add(cp);
    }
    count += codePoints.length;
    if (count > maxCharacters) {
      throw new InvalidArgumentError(`${fn}: file '${path}' holds more than ${maxCharacters} characters, the most a corpus can hold`);
    }
  }
  if (count === 0) throw new InvalidArgumentError(`${fn}: file '${path}' is empty; a corpus needs at least one character`);
  const characters = charactersOf(present, astral);
  const tokenizer = opts.tokenizer ?? CharTokenizer.fromCharacters(characters);
  if (tokenizer.unknown === 'error') {
    const missing = characters.find((ch) => tokenizer.idOf(ch) === undefined);
    if (missing !== undefined) {
      const label = `U+${missing.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
      throw new InvalidArgumentError(
        `${fn}: file '${path}' holds ${describeValue(missing)} (${label}), which is not in the vocabulary of ${tokenizer.vocabSize} characters`,
      );
    }
  }
  const ids = idArray(fn, tokenizer.vocabSize, count);
  const written = await encodeFile(fn, path, chunkOptions, tokenizer, ids);
  return split(opts.name ?? path, tokenizer, written === count ? ids : ids.subarray(0, written), trainFraction);
}

/**
 * A corpus of strings (a shipped one, or `textCorpus`) as token ids in the smallest array its vocabulary fits,
 * split where the corpus splits. The vocabulary is every character of the corpus unless `tokenizer` is given.
 *
 * @example
 * ```ts
 * const corpus = encodeCorpus(loadCorpus('tinyshakespeare'));
 * corpus.ids;         // a Uint8Array of 1,115,394 ids (65 characters)
 * corpus.train.length; // 1003854
 * ```
 */
export function encodeCorpus(corpus: Corpus, tokenizer?: CharTokenizer): EncodedCorpus {
  const fn = 'encodeCorpus';
  if (typeof corpus !== 'object' || corpus === null || typeof corpus.train !== 'string' || typeof corpus.validation !== 'string') {
    throw new InvalidArgumentError(`${fn}: argument 'corpus' must be a Corpus (from loadCorpus or textCorpus); received ${describeValue(corpus)}`);
  }
  const tok = tokenizer ?? CharTokenizer.fromText(corpus.text);
  const ids = idArray(fn, tok.vocabSize, corpus.train.length + corpus.validation.length);
  const cut = tok.encodeInto(corpus.train, ids, 0);
  const end = tok.encodeInto(corpus.validation, ids, cut);
  const all = ids.subarray(0, end);
  return { name: corpus.name, tokenizer: tok, ids: all, train: all.subarray(0, cut), validation: all.subarray(cut), trainFraction: corpus.trainFraction };
}
