// Text corpora: the shipped ones by name, user text, and the customary train/validation split by characters.
import { InvalidArgumentError } from '@seqlab/tensor-core';
import { TINY_SHAKESPEARE_ORIGIN, tinyShakespeareText } from './corpora/tinyshakespeare.js';
import { checkOptions, describeValue } from './validate.js';

/** A text corpus with its train/validation split. */
export interface Corpus {
  /** The corpus name (`'tinyshakespeare'`, or the name given to {@link textCorpus}). */
  readonly name: string;
  /** The whole text. */
  readonly text: string;
  /** The first `trainFraction` of the characters. */
  readonly train: string;
  /** The remaining characters. */
  readonly validation: string;
  /** Fraction of the characters in `train`. */
  readonly trainFraction: number;
  /** Origin and licence, for shipped corpora; empty for user text. */
  readonly origin: string;
}

/** The two parts of {@link splitText}. */
export interface TextSplit {
  /** The first `floor(trainFraction · N)` characters. */
  readonly train: string;
  /** The remaining characters. */
  readonly validation: string;
}

/** Options of {@link textCorpus} and {@link splitText}. */
export interface SplitOptions {
  /** Fraction of the characters that go to training, in (0, 1). Default 0.9. */
  trainFraction?: number;
}

/** Options of {@link textCorpus}. */
export interface TextCorpusOptions extends SplitOptions {
  /** A name for the corpus. Default `'text'`. */
  name?: string;
}

interface ShippedCorpus {
  readonly text: () => string;
  readonly origin: string;
}

const SHIPPED: Readonly<Record<string, ShippedCorpus>> = {
  tinyshakespeare: { text: tinyShakespeareText, origin: TINY_SHAKESPEARE_ORIGIN },
};

/**
 * Names accepted by {@link loadCorpus}.
 *
 * @example
 * ```ts
 * listCorpora(); // ['tinyshakespeare']
 * for (const name of listCorpora()) console.assert(loadCorpus(name).name === name);
 * ```
 */
export function listCorpora(): string[] {
  return Object.keys(SHIPPED);
}

function checkFraction(fn: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0 && value < 1)) {
    throw new InvalidArgumentError(`${fn}: argument 'trainFraction' must be a number strictly between 0 and 1; received ${describeValue(value)}`);
  }
  return value;
}

/** UTF-16 index just after the first `count` code points of `text`. */
function codeUnitIndex(text: string, count: number): number {
  let index = 0;
  for (let seen = 0; seen < count; seen++) {
    const c = text.charCodeAt(index);
    index += c >= 0xd800 && c <= 0xdbff && index + 1 < text.length ? 2 : 1;
  }
  return index;
}

/**
 * Number of code points (characters) in `text`.
 *
 * @example
 * ```ts
 * console.assert(countCharacters('héllo 👋') === 7); // 'héllo 👋'.length is 8: the emoji is two UTF-16 code units
 * ```
 */
export function countCharacters(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/**
 * Splits text into its first `floor(trainFraction · N)` characters and the rest, N counting characters (code
 * points, so a character outside the Basic Multilingual Plane is never cut in half). This is nanoGPT's
 * `int(n * 0.9)` rule: tiny-shakespeare splits into 1,003,854 and 111,540 characters.
 *
 * @example
 * ```ts
 * splitText('abcdefghij'); // { train: 'abcdefghi', validation: 'j' }
 * ```
 */
export function splitText(text: string, options?: SplitOptions): TextSplit {
  if (typeof text !== 'string') throw new InvalidArgumentError(`splitText: argument 'text' must be a string; received ${describeValue(text)}`);
  const fraction = checkFraction('splitText', checkOptions('splitText', options).trainFraction ?? 0.9);
  const n = countCharacters(text);
  const cut = n === text.length ? Math.floor(fraction * n) : codeUnitIndex(text, Math.floor(fraction * n));
  return { train: text.slice(0, cut), validation: text.slice(cut) };
}

/**
 * A {@link Corpus} from any text, split as {@link splitText}. Empty text is an error.
 *
 * @example
 * ```ts
 * const corpus = textCorpus('to be or not to be', { name: 'hamlet-line', trainFraction: 0.5 });
 * corpus.train; // 'to be or '
 * ```
 */
export function textCorpus(text: string, options?: TextCorpusOptions): Corpus {
  if (typeof text !== 'string') throw new InvalidArgumentError(`textCorpus: argument 'text' must be a string; received ${describeValue(text)}`);
  if (text.length === 0) throw new InvalidArgumentError(`textCorpus: argument 'text' is an empty corpus; expected at least one character`);
  const opts = checkOptions('textCorpus', options);
  const name = opts.name ?? 'text';
  if (typeof name !== 'string') throw new InvalidArgumentError(`textCorpus: argument 'name' must be a string; received ${describeValue(name)}`);
  const trainFraction = checkFraction('textCorpus', opts.trainFraction ?? 0.9);
  const { train, validation } = splitText(text, { trainFraction });
  return { name, text, train, validation, trainFraction, origin: '' };
}

/**
 * A shipped corpus by name, offline in Node and in browsers, with the customary split (first 90% of the
 * characters for training, the last 10% for validation). An unknown name throws an error listing the known ones.
 *
 * @param name - one of {@link listCorpora}: `'tinyshakespeare'`
 * @example
 * ```ts
 * const corpus = loadCorpus('tinyshakespeare');
 * corpus.train.length;      // 1003854
 * corpus.validation.length; // 111540
 * ```
 */
export function loadCorpus(name: string, options?: SplitOptions): Corpus {
  const shipped = typeof name === 'string' && Object.hasOwn(SHIPPED, name) ? SHIPPED[name] : undefined;
  if (!shipped) {
    throw new InvalidArgumentError(
      `loadCorpus: argument 'name' must name a shipped corpus (${listCorpora()
        .map((n) => `'${n}'`)
        .join(', ')}); received ${describeValue(name)}`,
    );
  }
  const trainFraction = checkFraction('loadCorpus', checkOptions('loadCorpus', options).trainFraction ?? 0.9);
  const text = shipped.text();
  const { train, validation } = splitText(text, { trainFraction });
  return { name, text, train, validation, trainFraction, origin: shipped.origin };
}
