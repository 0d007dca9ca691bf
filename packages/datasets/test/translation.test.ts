// The toy English→Spanish set: exact lengths, agreement and word order, full tokenizer coverage, determinism.
import { ToyTranslation } from '@seqlab/datasets';
import { Generator } from '@seqlab/tensor-core';
import { describe, expect, it } from 'vitest';
import { englishWordsOf, spanishWordsOf, type Clause, type NounPhrase, type Sentence } from '../src/tasks/translation/grammar.js';
import { ADJECTIVES, ADVERBS, CONJUNCTIONS, DETERMINERS, NOUNS, PREPOSITIONS, VERBS } from '../src/tasks/translation/lexicon.js';
import { expectSeqlabError } from './helpers.js';

const find = <T extends { en: unknown }>(items: readonly T[], en: string): T => items.find((x) => (Array.isArray(x.en) ? x.en.includes(en) : x.en === en))!;

function np(det: string, noun: string, plural = false, adjective?: string): NounPhrase {
  return { determiner: find(DETERMINERS, det), noun: find(NOUNS, noun), plural, adjective: adjective ? find(ADJECTIVES, adjective) : null };
}

function clause(parts: Partial<Clause> & Pick<Clause, 'subject' | 'verb'>): Clause {
  return { object: null, prepositionalPhrases: [], adverb: null, ...parts };
}

function render(sentence: Sentence): [string, string] {
  return [englishWordsOf(sentence).join(' '), spanishWordsOf(sentence).join(' ')];
}

describe('the grammar', () => {
  it('puts adjectives after nouns with gender and number agreement, and verbs agree with subjects', () => {
    const s: Sentence = {
      clauses: [clause({ subject: np('the', 'girl', true, 'tall'), verb: find(VERBS, 'eats'), object: np('the', 'apple', false, 'red') })],
      conjunctions: [],
    };
    expect(render(s)).toEqual(['the tall girls eat the red apple', 'las niñas altas comen la manzana roja']);
  });

  it('adds the personal "a" before animate objects and contracts a + el and de + el', () => {
    const s: Sentence = {
      clauses: [
        clause({
          subject: np('a', 'man', false, 'old'),
          verb: find(VERBS, 'sees'),
          object: np('the', 'dog'),
          prepositionalPhrases: [
            { preposition: find(PREPOSITIONS, 'near'), object: np('the', 'river') },
            { preposition: find(PREPOSITIONS, 'to'), object: np('the', 'park', true) },
          ],
          adverb: find(ADVERBS, 'again'),
        }),
        clause({ subject: np('my', 'women' as string, true), verb: find(VERBS, 'laughs') }),
      ],
      conjunctions: [find(CONJUNCTIONS, 'because')],
    };
    expect(render(s)).toEqual([
      'an old man sees the dog near the river to the parks again because my women laugh',
      'un hombre viejo ve al perro cerca del río a los parques otra vez porque mis mujeres ríen',
    ]);
  });

  it('uses "an" only before vowels and keeps the determiner gender of the noun', () => {
    const s: Sentence = {
      clauses: [clause({ subject: np('a', 'cow', false, 'angry'), verb: find(VERBS, 'has'), object: np('a', 'apple') })],
      conjunctions: [],
    };
    expect(render(s)).toEqual(['an angry cow has an apple', 'una vaca enfadada tiene una manzana']);
  });
});

describe('ToyTranslation', () => {
  const data = new ToyTranslation({ seed: 0 });

  it('produces exactly the requested number of English words, from 3 to 60 and beyond', () => {
    for (let n = 3; n <= 60; n++) {
      for (let k = 0; k < 5; k++) {
        const p = data.pair(n);
        expect(p.source.split(' ').length).toBe(n);
        expect(p.sourceLength).toBe(n);
        expect(p.target.split(' ').length).toBe(p.targetLength);
      }
    }
    expect(data.pair(150).sourceLength).toBe(150);
  });

  it('draws lengths uniformly from [minLength, maxLength]', () => {
    const pairs = new ToyTranslation({ minLength: 10, maxLength: 14, seed: 1 }).sample(500);
    const lengths = pairs.map((p) => p.sourceLength);
    expect(new Set(lengths)).toEqual(new Set([10, 11, 12, 13, 14]));
  });

  it('covers every generated word with both tokenizers (no <unk>)', () => {
    for (const p of data.sample(300)) {
      const src = data.sourceTokenizer.encode(p.source);
      const tgt = data.targetTokenizer.encode(p.target);
      expect(src.length).toBe(p.sourceLength);
      expect(tgt.length).toBe(p.targetLength);
      expect(src.includes(data.sourceTokenizer.unkId)).toBe(false);
      expect(tgt.includes(data.targetTokenizer.unkId)).toBe(false);
      expect(data.targetTokenizer.decode(tgt)).toBe(p.target);
    }
    expect(data.sourceTokenizer.vocabSize).toBeGreaterThan(100);
    expect(data.targetTokenizer.vocabSize).toBeGreaterThan(100);
  });

  it('makes Spanish about as long as English, longer on average (articles, "a", multi-word phrases)', () => {
    const pairs = new ToyTranslation({ minLength: 20, maxLength: 20, seed: 2 }).sample(200);
    const ratio = pairs.reduce((s, p) => s + p.targetLength / p.sourceLength, 0) / pairs.length;
    expect(ratio).toBeGreaterThan(1);
    expect(ratio).toBeLessThan(1.4);
  });

  it('is identical for the same seed and differs for another', () => {
    const a = new ToyTranslation({ seed: 5 }).sample(20);
    expect(new ToyTranslation({ seed: 5 }).sample(20)).toEqual(a);
    expect(new ToyTranslation({ generator: new Generator(5) }).sample(20)).toEqual(a);
    expect(new ToyTranslation({ seed: 6 }).sample(20)).not.toEqual(a);
  });

  it('bad input is a typed error', () => {
    expectSeqlabError(() => new ToyTranslation({ minLength: 2 }), 'INVALID_ARGUMENT', /'minLength' must be at least 3/);
    expectSeqlabError(
      () => new ToyTranslation({ minLength: 10, maxLength: 5 }),
      'INVALID_ARGUMENT',
      /'maxLength' must be at least 'minLength' \(10\); received 5/,
    );
    expectSeqlabError(() => data.pair(2), 'INVALID_ARGUMENT', /'length' must be at least 3/);
    expectSeqlabError(() => data.sample(0), 'INVALID_ARGUMENT', /'count' must be a positive integer/);
  });
});
