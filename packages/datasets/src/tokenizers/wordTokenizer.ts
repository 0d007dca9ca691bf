// Word-level tokenizer: lowercasing, punctuation splitting, a minimum frequency and the <pad> <unk> <bos> <eos> tokens.
import { InvalidArgumentError } from '@seqlab/tensor-core';
import { checkBoolean, checkOptions, checkPositiveInt, describeValue } from '../validate.js';
import { SPECIAL_TOKENS } from './specialTokens.js';
import { readTokenIds, type TokenIds } from './tokenIds.js';

/** How text is cut into words; stored with the vocabulary so that a restored tokenizer cuts the same way. */
export interface WordSplitOptions {
  /** Lowercase text before splitting. Default true. */
  lowercase?: boolean;
  /**
   * Make every punctuation mark or symbol its own token (`"don't stop!"` → `don't`, `stop`, `!`); an apostrophe
   * between letters stays inside the word. When false, words are just the runs of non-space characters. Default true.
   */
  splitPunctuation?: boolean;
}

/** Options of {@link WordTokenizer.fromText}. */
export interface WordTokenizerOptions extends WordSplitOptions {
  /** Words seen fewer times than this become `<unk>`. Default 1. */
  minFrequency?: number;
  /** Largest vocabulary, special tokens included; the most frequent words are kept. Default unlimited. */
  maxVocabSize?: number;
}

/** Options of {@link WordTokenizer.encode}. */
export interface WordEncodeOptions {
  /** Prepend `<bos>`. Default false. */
  addBos?: boolean;
  /** Append `<eos>`. Default false. */
  addEos?: boolean;
}

/** Options of {@link WordTokenizer.decode}. */
export interface WordDecodeOptions {
  /** Leave out `<pad>`, `<bos>` and `<eos>` (`<unk>` is kept, it stands for a word). Default true. */
  skipSpecial?: boolean;
}

/** The JSON form of a {@link WordTokenizer}, stored in checkpoints. */
export interface WordTokenizerJSON {
  /** Tells the tokenizer kinds apart in {@link tokenizerFromJSON}. */
  readonly type: 'word';
  /** Format version. */
  readonly version: 1;
  /** Tokens in id order; the first four are `<pad>`, `<unk>`, `<bos>`, `<eos>`. */
  readonly tokens: readonly string[];
  /** Whether text is lowercased before splitting. */
  readonly lowercase: boolean;
  /** Whether punctuation marks are tokens of their own. */
  readonly splitPunctuation: boolean;
}

const WORD_OR_MARK = /[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}\p{N}]+)*|[^\s\p{L}\p{M}\p{N}]/gu;
const NON_SPACE = /\S+/gu;
// Detokenizing: no space before closing marks, none after opening ones.
const CLOSING = /^[.,!?;:%)\]}…»”]$/u;
const OPENING = /^[¿¡([{«“]$/u;

/**
 * Maps words to ids. Ids 0–3 are `<pad>`, `<unk>`, `<bos>`, `<eos>`; the words follow by decreasing corpus
 * frequency, ties in code point order, so the same corpus always gives the same ids.
 *
 * @example
 * ```ts
 * const tok = WordTokenizer.fromText('The cat sat. The dog sat!');
 * tok.tokenize('The cat sat.');                  // ['the', 'cat', 'sat', '.']
 * const ids = tok.encode('the bird sat', { addBos: true, addEos: true }); // [2, the, <unk>=1, sat, 3]
 * tok.decode(ids);                               // 'the <unk> sat'
 * ```
 */
export class WordTokenizer {
  /** Tokens in id order. */
  readonly tokens: readonly string[];
  /** Whether text is lowercased before splitting. */
  readonly lowercase: boolean;
  /** Whether punctuation marks are tokens of their own. */
  readonly splitPunctuation: boolean;
  /** Id of `<pad>` (0). */
  readonly padId = 0;
  /** Id of `<unk>` (1). */
  readonly unkId = 1;
  /** Id of `<bos>` (2). */
  readonly bosId = 2;
  /** Id of `<eos>` (3). */
  readonly eosId = 3;
  private readonly ids: Map<string, number>;

  private constructor(fn: string, tokens: readonly string[], split: WordSplitOptions) {
    this.lowercase = checkBoolean(fn, 'lowercase', split.lowercase ?? true);
    this.splitPunctuation = checkBoolean(fn, 'splitPunctuation', split.splitPunctuation ?? true);
    if (!Array.isArray(tokens)) throw new InvalidArgumentError(`${fn}: argument 'tokens' must be an array of strings; received ${describeValue(tokens)}`);
    const ids = new Map<string, number>();
    tokens.forEach((t, i) => {
      if (typeof t !== 'string' || t.length === 0 || /\s/u.test(t)) {
        throw new InvalidArgumentError(`${fn}: argument 'tokens' must hold non-empty strings without spaces; received ${describeValue(t)} at index ${i}`);
      }
      if (ids.has(t)) throw new InvalidArgumentError(`${fn}: argument 'tokens' holds ${describeValue(t)} twice (indices ${ids.get(t)} and ${i})`);
      ids.set(t, i);
    });
    SPECIAL_TOKENS.forEach((s, i) => {
      if (tokens[i] !== s) {
        throw new InvalidArgumentError(
          `${fn}: argument 'tokens' must start with ${SPECIAL_TOKENS.join(', ')}; received ${describeValue(tokens[i])} at index ${i}`,
        );
      }
    });
    this.tokens = Object.freeze([...tokens]);
    this.ids = ids;
  }

  /**
   * The vocabulary of a corpus (one text or several): special tokens, then the words seen at least
   * `minFrequency` times by decreasing frequency. An empty corpus, or one without a single word, is an error.
   */
  static fromText(text: string | readonly string[], options?: WordTokenizerOptions): WordTokenizer {
    const fn = 'WordTokenizer.fromText';
    const opts = checkOptions(fn, options);
    const texts = typeof text === 'string' ? [text] : text;
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) {
      throw new InvalidArgumentError(`${fn}: argument 'text' must be a string or an array of strings; received ${describeValue(text)}`);
    }
    const minFrequency = checkPositiveInt(fn, 'minFrequency', opts.minFrequency ?? 1);
    const maxVocabSize = opts.maxVocabSize === undefined ? Infinity : checkPositiveInt(fn, 'maxVocabSize', opts.maxVocabSize);
    if (maxVocabSize < SPECIAL_TOKENS.length) {
      throw new InvalidArgumentError(`${fn}: argument 'maxVocabSize' must be at least ${SPECIAL_TOKENS.length} (the special tokens); received ${maxVocabSize}`);
    }
    const split: WordSplitOptions = {
      lowercase: checkBoolean(fn, 'lowercase', opts.lowercase ?? true),
      splitPunctuation: checkBoolean(fn, 'splitPunctuation', opts.splitPunctuation ?? true),
    };
    const counts = new Map<string, number>();
    for (const t of texts) for (const w of splitWords(t, split)) counts.set(w, (counts.get(w) ?? 0) + 1);
    if (counts.size === 0) {
      throw new InvalidArgumentError(
        `${fn}: argument 'text' is an empty corpus (no words in ${texts.length} text${texts.length === 1 ? '' : 's'}); expected at least one word`,
      );
    }
    for (const s of SPECIAL_TOKENS) counts.delete(s);
    const words = [...counts].filter(([, c]) => c >= minFrequency).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const kept = words.slice(0, Math.max(0, maxVocabSize - SPECIAL_TOKENS.length)).map(([w]) => w);
    return new WordTokenizer(fn, [...SPECIAL_TOKENS, ...kept], split);
  }

  /** A tokenizer over these words in this order (after the special tokens, which are added when missing). */
  static fromVocabulary(words: readonly string[], options?: WordSplitOptions): WordTokenizer {
    const fn = 'WordTokenizer.fromVocabulary';
    if (!Array.isArray(words)) throw new InvalidArgumentError(`${fn}: argument 'words' must be an array of strings; received ${describeValue(words)}`);
    const rest = words.filter((w) => !SPECIAL_TOKENS.includes(w));
    return new WordTokenizer(fn, [...SPECIAL_TOKENS, ...rest], checkOptions(fn, options));
  }

  /** Restores a tokenizer from {@link toJSON}'s output, validating it. */
  static fromJSON(json: WordTokenizerJSON): WordTokenizer {
    if (typeof json !== 'object' || json === null || json.type !== 'word' || json.version !== 1) {
      throw new InvalidArgumentError(
        `WordTokenizer.fromJSON: argument 'json' must be a { type: 'word', version: 1 } vocabulary; received ${describeValue(json)}`,
      );
    }
    return new WordTokenizer('WordTokenizer.fromJSON', json.tokens, { lowercase: json.lowercase, splitPunctuation: json.splitPunctuation });
  }

  /** Number of ids. */
  get vocabSize(): number {
    return this.tokens.length;
  }

  /** The id of a token, or undefined when it is not in the vocabulary. */
  idOf(token: string): number | undefined {
    return this.ids.get(token);
  }

  /** The words of `text`, cut as this tokenizer cuts them (lowercasing, punctuation). */
  tokenize(text: string): string[] {
    if (typeof text !== 'string') throw new InvalidArgumentError(`WordTokenizer.tokenize: argument 'text' must be a string; received ${describeValue(text)}`);
    return splitWords(text, this);
  }

  /** Ids of the words of `text`; words outside the vocabulary become `<unk>`. */
  encode(text: string, options?: WordEncodeOptions): Int32Array {
    const fn = 'WordTokenizer.encode';
    if (typeof text !== 'string') throw new InvalidArgumentError(`${fn}: argument 'text' must be a string; received ${describeValue(text)}`);
    const opts = checkOptions(fn, options);
    const addBos = checkBoolean(fn, 'addBos', opts.addBos ?? false);
    const addEos = checkBoolean(fn, 'addEos', opts.addEos ?? false);
    const words = splitWords(text, this);
    const out = new Int32Array(words.length + (addBos ? 1 : 0) + (addEos ? 1 : 0));
    let k = 0;
    if (addBos) out[k++] = this.bosId;
    for (const w of words) out[k++] = this.ids.get(w) ?? this.unkId;
    if (addEos) out[k++] = this.eosId;
    return out;
  }

  /**
   * Text from ids: words joined by spaces, with no space before closing punctuation or after opening marks
   * (`¿`, `¡`, `(`), so that `decode(encode(s))` gives back `s` for lowercase, singly spaced text.
   */
  decode(ids: TokenIds, options?: WordDecodeOptions): string {
    const fn = 'WordTokenizer.decode';
    const flat = readTokenIds(fn, ids, this.vocabSize);
    const skipSpecial = checkBoolean(fn, 'skipSpecial', checkOptions(fn, options).skipSpecial ?? true);
    let out = '';
    let glueNext = true;
    for (let i = 0; i < flat.length; i++) {
      const id = flat[i];
      if (skipSpecial && (id === this.padId || id === this.bosId || id === this.eosId)) continue;
      const token = this.tokens[id];
      if (!glueNext && !(this.splitPunctuation && CLOSING.test(token))) out += ' ';
      out += token;
      glueNext = this.splitPunctuation && OPENING.test(token);
    }
    return out;
  }

  /** The JSON form stored in checkpoints; {@link WordTokenizer.fromJSON} restores it. */
  toJSON(): WordTokenizerJSON {
    return { type: 'word', version: 1, tokens: [...this.tokens], lowercase: this.lowercase, splitPunctuation: this.splitPunctuation };
  }
}

function splitWords(text: string, split: WordSplitOptions): string[] {
  const source = (split.lowercase ?? true) ? text.toLowerCase() : text;
  return source.match((split.splitPunctuation ?? true) ? WORD_OR_MARK : NON_SPACE) ?? [];
}
