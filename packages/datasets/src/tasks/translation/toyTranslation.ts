// A seeded toy English→Spanish translation set with controllable sentence length, for the seq2seq bottleneck experiment.
import { InvalidArgumentError, type Generator } from '@seqlab/tensor-core';
import { resolveGenerator, type SeedOptions } from '../../seeding.js';
import { WordTokenizer } from '../../tokenizers/wordTokenizer.js';
import { checkOptions, checkPositiveInt } from '../../validate.js';
import { englishWordsOf, MIN_CLAUSE_WORDS, randomSentence, spanishWordsOf } from './grammar.js';
import { englishWords, spanishWords } from './lexicon.js';

/** Options of {@link ToyTranslation}. */
export interface ToyTranslationOptions extends SeedOptions {
  /** Shortest English sentence in words (at least 3). Default 3. */
  minLength?: number;
  /** Longest English sentence in words. Default 60. */
  maxLength?: number;
}

/** An English sentence and its Spanish translation, lowercase words separated by single spaces. */
export interface TranslationPair {
  /** English. */
  readonly source: string;
  /** Spanish. */
  readonly target: string;
  /** Words in `source`. */
  readonly sourceLength: number;
  /** Words in `target`. */
  readonly targetLength: number;
}

/**
 * Generates aligned English→Spanish pairs from a small grammar: noun phrases with determiners and adjectives,
 * verbs agreeing with their subjects, objects, prepositional phrases, adverbs and clauses joined by
 * conjunctions. Spanish places adjectives after nouns with gender and number agreement, adds the personal "a"
 * before animate objects and contracts "a el"/"de el"; reordering and agreement make the task need more than
 * word-by-word lookup, and long sentences strain a fixed-size encoder state (Cho et al. 2014; Bahdanau et al. 2015).
 *
 * English length is exact: `sample` draws it uniformly from `[minLength, maxLength]`, `pair(n)` gives n words.
 * Both tokenizers cover the whole lexicon, so no generated word is `<unk>`.
 *
 * @example
 * ```ts
 * const data = new ToyTranslation({ minLength: 3, maxLength: 60, seed: 7 });
 * const [{ source, target }] = data.sample(1);
 * data.pair(3); // e.g. { source: 'the girls dance', target: 'las niñas bailan', ... }
 * ```
 */
export class ToyTranslation {
  /** Shortest English sentence in words. */
  readonly minLength: number;
  /** Longest English sentence in words. */
  readonly maxLength: number;
  /** Word tokenizer over every English word of the grammar. */
  readonly sourceTokenizer: WordTokenizer;
  /** Word tokenizer over every Spanish word of the grammar. */
  readonly targetTokenizer: WordTokenizer;
  private readonly generator: Generator;

  constructor(options?: ToyTranslationOptions) {
    const fn = 'ToyTranslation';
    const opts = checkOptions(fn, options);
    this.minLength = checkPositiveInt(fn, 'minLength', opts.minLength ?? MIN_CLAUSE_WORDS);
    this.maxLength = checkPositiveInt(fn, 'maxLength', opts.maxLength ?? 60);
    if (this.minLength < MIN_CLAUSE_WORDS) {
      throw new InvalidArgumentError(`${fn}: argument 'minLength' must be at least ${MIN_CLAUSE_WORDS} (the shortest sentence); received ${this.minLength}`);
    }
    if (this.maxLength < this.minLength) {
      throw new InvalidArgumentError(`${fn}: argument 'maxLength' must be at least 'minLength' (${this.minLength}); received ${this.maxLength}`);
    }
    this.generator = resolveGenerator(fn, opts);
    this.sourceTokenizer = WordTokenizer.fromVocabulary(englishWords());
    this.targetTokenizer = WordTokenizer.fromVocabulary(spanishWords());
  }

  /** One pair whose English side has exactly `length` words (default: drawn from `[minLength, maxLength]`). */
  pair(length?: number): TranslationPair {
    const fn = 'ToyTranslation.pair';
    let n: number;
    if (length === undefined) n = this.generator.int(this.minLength, this.maxLength);
    else {
      n = checkPositiveInt(fn, 'length', length);
      if (n < MIN_CLAUSE_WORDS) throw new InvalidArgumentError(`${fn}: argument 'length' must be at least ${MIN_CLAUSE_WORDS} words; received ${n}`);
    }
    const sentence = randomSentence(this.generator, n);
    const english = englishWordsOf(sentence);
    const spanish = spanishWordsOf(sentence);
    return { source: english.join(' '), target: spanish.join(' '), sourceLength: english.length, targetLength: spanish.length };
  }

  /** `count` pairs with English lengths drawn uniformly from `[minLength, maxLength]`. */
  sample(count: number): TranslationPair[] {
    checkPositiveInt('ToyTranslation.sample', 'count', count);
    const pairs: TranslationPair[] = [];
    for (let i = 0; i < count; i++) pairs.push(this.pair());
    return pairs;
  }
}
