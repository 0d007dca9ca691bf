// The tokenizer interface shared by the character- and word-level tokenizers, and restoring either from JSON.
import { InvalidArgumentError } from '@seqlab/tensor-core';
import { describeValue } from '../validate.js';
import { CharTokenizer, type CharTokenizerJSON } from './charTokenizer.js';
import type { TokenIds } from './tokenIds.js';
import { WordTokenizer, type WordTokenizerJSON } from './wordTokenizer.js';

/** What every tokenizer offers. */
export interface Tokenizer {
  /** Number of ids. */
  readonly vocabSize: number;
  /** Ids of `text`. */
  encode(text: string): Int32Array;
  /** Text of `ids`. */
  decode(ids: TokenIds): string;
  /** JSON form for checkpoints. */
  toJSON(): TokenizerJSON;
}

/** The JSON form of any tokenizer. */
export type TokenizerJSON = CharTokenizerJSON | WordTokenizerJSON;

/**
 * Restores a tokenizer saved with `toJSON()` (an object, or its JSON text), whichever kind it is.
 *
 * @example
 * ```ts
 * const saved = JSON.stringify(CharTokenizer.fromText('abc'));
 * const tok = tokenizerFromJSON(saved); // a CharTokenizer
 * ```
 */
export function tokenizerFromJSON(json: TokenizerJSON | string): CharTokenizer | WordTokenizer {
  let value: unknown = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch {
      throw new InvalidArgumentError(`tokenizerFromJSON: argument 'json' is a string that is not JSON; received ${describeValue(json)}`);
    }
  }
  const type = (value as { type?: unknown } | null)?.type;
  if (type === 'char') return CharTokenizer.fromJSON(value as CharTokenizerJSON);
  if (type === 'word') return WordTokenizer.fromJSON(value as WordTokenizerJSON);
  throw new InvalidArgumentError(`tokenizerFromJSON: argument 'json' must have type 'char' or 'word'; received type ${describeValue(type)}`);
}
