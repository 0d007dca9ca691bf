// Word tokenizer: splitting rules, frequency-ordered vocabulary, special tokens, detokenization and JSON.
import { SPECIAL_TOKENS, tokenizerFromJSON, WordTokenizer, type WordTokenizerJSON } from '@seqlab/datasets';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectSeqlabError } from './helpers.js';

describe('WordTokenizer', () => {
  it('splits punctuation into tokens, keeps contractions, and lowercases by default', () => {
    const tok = WordTokenizer.fromText('x');
    expect(tok.tokenize("Don't stop, Mr. O'Brien! ¿Qué tal? 3.5 km")).toEqual([
      "don't",
      'stop',
      ',',
      'mr',
      '.',
      "o'brien",
      '!',
      '¿',
      'qué',
      'tal',
      '?',
      '3',
      '.',
      '5',
      'km',
    ]);
  });

  it('honours lowercase: false and splitPunctuation: false', () => {
    const tok = WordTokenizer.fromText('x', { lowercase: false, splitPunctuation: false });
    expect(tok.tokenize('Hello, World!  again')).toEqual(['Hello,', 'World!', 'again']);
  });

  it('puts the special tokens first, then words by decreasing frequency, ties in code point order', () => {
    const tok = WordTokenizer.fromText(['b a c a', 'c a b d']);
    expect(tok.tokens).toEqual([...SPECIAL_TOKENS, 'a', 'b', 'c', 'd']);
    expect([tok.padId, tok.unkId, tok.bosId, tok.eosId]).toEqual([0, 1, 2, 3]);
    expect(tok.tokens.slice(0, 4)).toEqual(['<pad>', '<unk>', '<bos>', '<eos>']);
  });

  it('drops words below minFrequency and caps the vocabulary at maxVocabSize', () => {
    const text = 'the cat and the dog and the bird';
    expect(WordTokenizer.fromText(text, { minFrequency: 2 }).tokens.slice(4)).toEqual(['the', 'and']);
    expect(WordTokenizer.fromText(text, { maxVocabSize: 5 }).tokens.slice(4)).toEqual(['the']);
    expect(WordTokenizer.fromText(text, { minFrequency: 5 }).vocabSize).toBe(4);
  });

  it('encodes unknown words as <unk> and adds <bos>/<eos> on request', () => {
    const tok = WordTokenizer.fromText('the cat sat');
    const the = tok.idOf('the')!;
    const sat = tok.idOf('sat')!;
    expect(Array.from(tok.encode('The bird sat', { addBos: true, addEos: true }))).toEqual([2, the, 1, sat, 3]);
    expect(tok.decode(tok.encode('The bird sat', { addBos: true, addEos: true }))).toBe('the <unk> sat');
    expect(tok.decode([2, the, 0, 0, 3], { skipSpecial: false })).toBe('<bos> the <pad> <pad> <eos>');
  });

  it('detokenizes punctuation without stray spaces', () => {
    const text = '¡hola! ¿qué tal, amigo? (bien).';
    const tok = WordTokenizer.fromText(text);
    expect(tok.decode(tok.encode(text))).toBe(text);
  });

  it('property: decode(encode(s)) === s for lowercase words joined by single spaces', () => {
    const word = fc.stringMatching(/^[a-zñáé]{1,8}$/);
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 20 }), (words) => {
        const text = words.join(' ');
        const tok = WordTokenizer.fromText(text);
        const ids = tok.encode(text);
        expect(ids.length).toBe(words.length);
        expect(ids.includes(tok.unkId)).toBe(false);
        expect(tok.decode(ids)).toBe(text);
      }),
    );
  });

  it('round-trips through JSON with the same ids and splitting rules', () => {
    const tok = WordTokenizer.fromText('Hello, World! hello again', { lowercase: false, minFrequency: 1 });
    const restored = tokenizerFromJSON(JSON.stringify(tok)) as WordTokenizer;
    expect(restored).toBeInstanceOf(WordTokenizer);
    expect(restored.tokens).toEqual(tok.tokens);
    expect(restored.lowercase).toBe(false);
    expect(Array.from(restored.encode('Hello again, World'))).toEqual(Array.from(tok.encode('Hello again, World')));
    expect(WordTokenizer.fromJSON(tok.toJSON()).toJSON()).toEqual(tok.toJSON());
  });

  it('fromVocabulary adds the special tokens in front', () => {
    const tok = WordTokenizer.fromVocabulary(['hola', '<unk>', 'mundo']);
    expect(tok.tokens).toEqual([...SPECIAL_TOKENS, 'hola', 'mundo']);
  });

  describe('bad input', () => {
    it('an empty corpus, or one without words, is an error', () => {
      expectSeqlabError(() => WordTokenizer.fromText(''), 'INVALID_ARGUMENT', /empty corpus/);
      expectSeqlabError(() => WordTokenizer.fromText(['  ', '\n']), 'INVALID_ARGUMENT', /empty corpus/, /2 texts/);
    });

    it('bad options name the argument', () => {
      expectSeqlabError(() => WordTokenizer.fromText('a', { minFrequency: 0 }), 'INVALID_ARGUMENT', /'minFrequency' must be a positive integer; received 0/);
      expectSeqlabError(() => WordTokenizer.fromText('a', { maxVocabSize: 3 }), 'INVALID_ARGUMENT', /'maxVocabSize' must be at least 4/);
      expectSeqlabError(() => WordTokenizer.fromText('a', { lowercase: 'yes' as unknown as boolean }), 'INVALID_ARGUMENT', /'lowercase' must be a boolean/);
      expectSeqlabError(() => WordTokenizer.fromText(42 as unknown as string), 'INVALID_ARGUMENT', /'text' must be a string/);
    });

    it('malformed JSON vocabularies are typed errors', () => {
      const good = WordTokenizer.fromText('a b').toJSON();
      expectSeqlabError(() => WordTokenizer.fromJSON({ ...good, tokens: ['zz', ...good.tokens] }), 'INVALID_ARGUMENT', /must start with <pad>/);
      expectSeqlabError(() => WordTokenizer.fromJSON({ ...good, tokens: [...good.tokens, 'a'] }), 'INVALID_ARGUMENT', /twice/);
      expectSeqlabError(() => WordTokenizer.fromJSON({ ...good, tokens: [...good.tokens, 'two words'] }), 'INVALID_ARGUMENT', /without spaces/);
      expectSeqlabError(() => WordTokenizer.fromJSON({ ...good, version: 2 } as unknown as WordTokenizerJSON), 'INVALID_ARGUMENT', /version: 1/);
    });

    it('ids out of range are errors', () => {
      const tok = WordTokenizer.fromText('a b');
      expectSeqlabError(() => tok.decode([0, 6]), 'INVALID_ARGUMENT', /index 1/, /\[0, 5\]/);
    });
  });
});
