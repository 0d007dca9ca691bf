// Character tokenizer: stable vocabulary order, round trips, unknown-character policies and JSON serialisation.
import { CharTokenizer, tokenizerFromJSON, type CharTokenizerJSON } from '@seqlab/datasets';
import { tensor } from '@seqlab/tensor-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectSeqlabError } from './helpers.js';

describe('CharTokenizer', () => {
  it('orders the vocabulary by code point, whatever the order of first appearance', () => {
    const a = CharTokenizer.fromText('hello world');
    const b = CharTokenizer.fromText('world hello');
    expect(a.characters).toEqual([' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w']);
    expect(b.characters).toEqual(a.characters);
    expect(Array.from(a.encode('hold'))).toEqual([3, 5, 4, 1]);
  });

  it('places characters beyond the BMP after the others, as code points', () => {
    const tok = CharTokenizer.fromText('😀a€😀');
    expect(tok.characters).toEqual(['a', '€', '😀']);
    expect(Array.from(tok.encode('😀a'))).toEqual([2, 0]);
    expect(tok.idOf('😀')).toBe(2);
    expect(tok.idOf('z')).toBeUndefined();
  });

  it('property: decode(encode(s)) === s for any text over the vocabulary', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }), (text) => {
        const tok = CharTokenizer.fromText(text);
        const ids = tok.encode(text);
        expect(tok.decode(ids)).toBe(text);
        expect(ids.length).toBe([...text].length);
        for (const id of ids) expect(id).toBeLessThan(tok.vocabSize);
      }),
    );
  });

  it('decodes arrays, typed arrays and int32 tensors of any shape, and long inputs', () => {
    const tok = CharTokenizer.fromText('abc');
    expect(tok.decode([0, 1, 2])).toBe('abc');
    expect(tok.decode(new Int32Array([2, 2]))).toBe('cc');
    expect(tok.decode(tensor(new Int32Array([0, 1, 2, 0]), [2, 2], 'int32'))).toBe('abca');
    const long = 'abc'.repeat(20_000);
    expect(tok.decode(tok.encode(long))).toBe(long);
  });

  describe('unknown characters', () => {
    it("'error' (the default) names the character and its index", () => {
      const tok = CharTokenizer.fromText('abc');
      expectSeqlabError(() => tok.encode('abxc'), 'INVALID_ARGUMENT', /"x"/, /U\+0078/, /index 2/, /vocabulary of 3/);
    });

    it("'skip' drops them", () => {
      const tok = CharTokenizer.fromText('abc', { unknown: 'skip' });
      expect(tok.vocabSize).toBe(3);
      expect(tok.decode(tok.encode('axb😀c'))).toBe('abc');
    });

    it("'replace' adds the replacement character to the vocabulary and maps unknowns to it", () => {
      const tok = CharTokenizer.fromText('abc', { unknown: 'replace' });
      expect(tok.characters).toEqual(['a', 'b', 'c', '\uFFFD']);
      expect(tok.decode(tok.encode('axb😀'))).toBe('a\uFFFDb\uFFFD');
      const star = CharTokenizer.fromText('abc', { unknown: 'replace', replacement: '*' });
      expect(star.characters).toEqual(['*', 'a', 'b', 'c']);
      expect(star.decode(star.encode('zzz'))).toBe('***');
    });
  });

  describe('JSON', () => {
    it('round-trips through JSON text with the same ids and policy', () => {
      const tok = CharTokenizer.fromText('the quick brown 🦊', { unknown: 'replace', replacement: '?' });
      const restored = tokenizerFromJSON(JSON.stringify(tok));
      expect(restored).toBeInstanceOf(CharTokenizer);
      const r = restored as CharTokenizer;
      expect(r.characters).toEqual(tok.characters);
      expect(r.unknown).toBe('replace');
      expect(Array.from(r.encode('quick 🦊!'))).toEqual(Array.from(tok.encode('quick 🦊!')));
      expect(CharTokenizer.fromJSON(tok.toJSON()).toJSON()).toEqual(tok.toJSON());
    });

    it('rejects malformed vocabularies with typed errors', () => {
      const good = CharTokenizer.fromText('ab').toJSON();
      expectSeqlabError(() => CharTokenizer.fromJSON({ ...good, type: 'word' } as unknown as CharTokenizerJSON), 'INVALID_ARGUMENT', /type: 'char'/);
      expectSeqlabError(() => CharTokenizer.fromJSON({ ...good, characters: ['a', 'a'] }), 'INVALID_ARGUMENT', /twice/);
      expectSeqlabError(() => CharTokenizer.fromJSON({ ...good, characters: ['ab'] }), 'INVALID_ARGUMENT', /single characters/, /"ab"/);
      expectSeqlabError(() => CharTokenizer.fromJSON({ ...good, characters: [] }), 'INVALID_ARGUMENT', /empty/);
      expectSeqlabError(() => CharTokenizer.fromJSON({ ...good, unknown: 'ignore' as 'skip' }), 'INVALID_ARGUMENT', /'unknown'/);
      expectSeqlabError(() => CharTokenizer.fromJSON({ ...good, unknown: 'replace', replacement: 'z' }), 'INVALID_ARGUMENT', /must be in the vocabulary/);
      expectSeqlabError(() => tokenizerFromJSON('{not json'), 'INVALID_ARGUMENT', /not JSON/);
      expectSeqlabError(() => tokenizerFromJSON({ type: 'bpe' } as unknown as CharTokenizerJSON), 'INVALID_ARGUMENT', /'char' or 'word'/);
    });
  });

  describe('bad input', () => {
    it('an empty corpus is an error', () => {
      expectSeqlabError(() => CharTokenizer.fromText(''), 'INVALID_ARGUMENT', /empty corpus/);
    });

    it('ids out of range, non-integers and float tensors are errors naming the index', () => {
      const tok = CharTokenizer.fromText('abc');
      expectSeqlabError(() => tok.decode([0, 3]), 'INVALID_ARGUMENT', /index 1/, /\[0, 2\]/);
      expectSeqlabError(() => tok.decode([1.5]), 'INVALID_ARGUMENT', /index 0/);
      expectSeqlabError(() => tok.decode([-1]), 'INVALID_ARGUMENT', /-1/);
      expectSeqlabError(() => tok.decode(tensor([0, 1])), 'INVALID_ARGUMENT', /int32 tensor/, /float32/);
      expectSeqlabError(() => tok.decode('abc' as unknown as number[]), 'INVALID_ARGUMENT', /'ids'/);
    });

    it('a lone surrogate in a corpus is an error', () => {
      expectSeqlabError(() => CharTokenizer.fromText('a\uD800b'), 'INVALID_ARGUMENT', /lone surrogate/, /U\+D800/, /index 1/);
    });
  });
});

describe('CharTokenizer edge characters', () => {
  it('keeps a leading U+FEFF and astral characters when decoding', () => {
    const text = '\uFEFFa😀\uFEFF';
    const tok = CharTokenizer.fromText(text);
    expect(tok.decode(tok.encode(text))).toBe(text);
    expect(tok.decode([])).toBe('');
  });
});
