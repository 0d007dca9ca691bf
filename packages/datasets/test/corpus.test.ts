// The shipped corpus (checksum, split sizes, vocabulary), splitText and textCorpus.
import { createHash } from 'node:crypto';
import { CharTokenizer, countCharacters, listCorpora, loadCorpus, splitText, textCorpus } from '@seqlab/datasets';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectSeqlabError } from './helpers.js';

describe('loadCorpus("tinyshakespeare")', () => {
  const corpus = loadCorpus('tinyshakespeare');

  it('decodes to the published bytes (sha256 and length)', () => {
    const bytes = new TextEncoder().encode(corpus.text);
    expect(bytes.length).toBe(1_115_394);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe('86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed');
  });

  it('splits into 1,003,854 training and 111,540 validation characters', () => {
    expect(corpus.train.length).toBe(1_003_854);
    expect(corpus.validation.length).toBe(111_540);
    expect(corpus.train + corpus.validation).toBe(corpus.text);
    expect(corpus.trainFraction).toBe(0.9);
  });

  it('has a character vocabulary of 65', () => {
    expect(CharTokenizer.fromText(corpus.text).vocabSize).toBe(65);
  });

  it('names its origin and licence', () => {
    expect(corpus.name).toBe('tinyshakespeare');
    expect(corpus.origin).toMatch(/public domain/);
    expect(corpus.origin).toMatch(/MIT/);
  });

  it('starts with the familiar first line and returns the same text on every call', () => {
    expect(corpus.text.startsWith('First Citizen:\nBefore we proceed any further, hear me speak.')).toBe(true);
    expect(loadCorpus('tinyshakespeare').text).toBe(corpus.text);
  });

  it('accepts another train fraction', () => {
    const half = loadCorpus('tinyshakespeare', { trainFraction: 0.5 });
    expect(half.train.length).toBe(557_697);
    expect(half.validation.length).toBe(557_697);
  });
});

describe('corpus errors', () => {
  it('an unknown corpus name lists the known ones', () => {
    expect(listCorpora()).toEqual(['tinyshakespeare']);
    expectSeqlabError(() => loadCorpus('wikitext'), 'INVALID_ARGUMENT', /'tinyshakespeare'/, /"wikitext"/);
    expectSeqlabError(() => loadCorpus('constructor'), 'INVALID_ARGUMENT', /'tinyshakespeare'/);
  });

  it('an empty corpus is an error', () => {
    expectSeqlabError(() => textCorpus(''), 'INVALID_ARGUMENT', /empty corpus/);
  });

  it('a train fraction outside (0, 1) is an error', () => {
    for (const f of [0, 1, -0.1, 1.5, Number.NaN]) {
      expectSeqlabError(() => splitText('abc', { trainFraction: f }), 'INVALID_ARGUMENT', /trainFraction/);
      expectSeqlabError(() => loadCorpus('tinyshakespeare', { trainFraction: f }), 'INVALID_ARGUMENT', /trainFraction/);
    }
  });

  it('non-string text is an error', () => {
    expectSeqlabError(() => textCorpus(42 as unknown as string), 'INVALID_ARGUMENT', /'text' must be a string/);
  });
});

describe('splitText', () => {
  it('follows int(n · fraction)', () => {
    expect(splitText('abcdefghij')).toEqual({ train: 'abcdefghi', validation: 'j' });
    expect(splitText('abc', { trainFraction: 0.5 })).toEqual({ train: 'a', validation: 'bc' });
  });

  it('counts characters, not UTF-16 units, and never cuts a surrogate pair', () => {
    const text = '😀😀😀😀😀😀😀😀😀a';
    const { train, validation } = splitText(text);
    expect(train).toBe('😀'.repeat(9));
    expect(validation).toBe('a');
  });

  it('property: the parts concatenate to the text and train holds floor(f·N) characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), (text, f) => {
        const { train, validation } = splitText(text, { trainFraction: f });
        expect(train + validation).toBe(text);
        expect(countCharacters(train)).toBe(Math.floor(f * countCharacters(text)));
      }),
    );
  });

  it('textCorpus carries the name and split', () => {
    const c = textCorpus('to be or not to be', { name: 'hamlet', trainFraction: 0.5 });
    expect(c).toMatchObject({ name: 'hamlet', train: 'to be or ', validation: 'not to be', trainFraction: 0.5, origin: '' });
  });
});
