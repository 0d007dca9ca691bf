// Corpora as token ids: a text file streamed into the narrowest id array, equal to encoding the whole string; limits.
import { CharTokenizer, encodeCorpus, encodeTextFile, loadCorpus, loadTextFile, randomWindows, textCorpus, Utf8Error } from '@seqlab/datasets';
import { Generator } from '@seqlab/tensor-core';
import { describe, expect, it } from 'vitest';
import { expectSeqlabError, expectSeqlabErrorAsync, temporaryFiles } from './helpers.js';

const { file } = temporaryFiles('seqlab-encoded-');

describe('encodeTextFile', () => {
  it('gives the ids, vocabulary and split of encoding the whole string, with characters straddling chunk boundaries', async () => {
    const text = '\uFEFFhé, 😀 añ€ 𝄞!\n'.repeat(700) + 'end';
    const path = file('mixed.txt', text);
    const whole = textCorpus(await loadTextFile(path));
    const tokenizer = CharTokenizer.fromText(whole.text);
    for (const chunkSize of [1, 7, 1 << 20]) {
      const corpus = await encodeTextFile(path, { chunkSize });
      expect(corpus.tokenizer.characters).toEqual(tokenizer.characters);
      expect(corpus.ids).toBeInstanceOf(Uint8Array);
      expect([...corpus.train]).toEqual([...tokenizer.encode(whole.train)]);
      expect([...corpus.validation]).toEqual([...tokenizer.encode(whole.validation)]);
      expect(corpus.name).toBe(path);
    }
  });

  it('holds ids in the narrowest array: Uint8 up to 256 characters, Uint16 up to 65,536', async () => {
    const small = await encodeTextFile(file('256.txt', Array.from({ length: 256 }, (_, i) => String.fromCharCode(0x100 + i)).join('')));
    expect(small.ids).toBeInstanceOf(Uint8Array);
    expect(small.tokenizer.vocabSize).toBe(256);
    const wide = await encodeTextFile(file('257.txt', Array.from({ length: 257 }, (_, i) => String.fromCharCode(0x100 + i)).join('')));
    expect(wide.ids).toBeInstanceOf(Uint16Array);
    expect(wide.ids[256]).toBe(256);
  });

  it('encodes with a given vocabulary, and names a character outside it', async () => {
    const tokenizer = CharTokenizer.fromText('abcdefgh \n');
    const corpus = await encodeTextFile(file('fits.txt', 'bad cafe\n'.repeat(20)), { tokenizer, trainFraction: 0.5 });
    expect(corpus.tokenizer).toBe(tokenizer);
    expect([...corpus.ids.subarray(0, 4)]).toEqual([...tokenizer.encode('bad ')]);
    expect(corpus.train.length).toBe(90);
    const misfit = file('misfit.txt', 'bad café');
    const outside = /holds "é" \(U\+00E9\), which is not in the vocabulary of 10 characters/;
    await expectSeqlabErrorAsync(() => encodeTextFile(misfit, { tokenizer }), 'INVALID_ARGUMENT', outside);
  });

  it('refuses a file beyond the character limit with an error naming the limit, and an empty file', async () => {
    const path = file('long.txt', 'x'.repeat(1000));
    const limit = /holds more than 999 characters, the most a corpus can hold/;
    await expectSeqlabErrorAsync(() => encodeTextFile(path, { maxCharacters: 999 }), 'INVALID_ARGUMENT', limit);
    expect((await encodeTextFile(path, { maxCharacters: 1000 })).ids.length).toBe(1000);
    const range = /'maxCharacters' must be an integer in \[1, 2147483647\]/;
    await expectSeqlabErrorAsync(() => encodeTextFile(path, { maxCharacters: 2 ** 31 }), 'INVALID_ARGUMENT', range);
    await expectSeqlabErrorAsync(() => encodeTextFile(file('empty.txt', '')), 'INVALID_ARGUMENT', /is empty/);
  });

  it('reports invalid UTF-8 with its byte offset', async () => {
    const bad = file('bad.txt', new Uint8Array([0x61, 0x62, 0xff, 0x63]));
    const err = await expectSeqlabErrorAsync(() => encodeTextFile(bad), 'INVALID_ARGUMENT', /byte offset 2/);
    expect(err).toBeInstanceOf(Utf8Error);
  });
});

describe('encodeCorpus', () => {
  it('tiny-shakespeare: 65 characters in a Uint8Array, split 1,003,854 / 111,540 as the strings are', () => {
    const strings = loadCorpus('tinyshakespeare');
    const corpus = encodeCorpus(strings);
    expect(corpus.ids).toBeInstanceOf(Uint8Array);
    expect(corpus.tokenizer.vocabSize).toBe(65);
    expect(corpus.train.length).toBe(1_003_854);
    expect(corpus.validation.length).toBe(111_540);
    expect([...corpus.validation.subarray(0, 50)]).toEqual([...corpus.tokenizer.encode(strings.validation.slice(0, 50))]);
  });

  it('rejects what is not a corpus', () => {
    expectSeqlabError(() => encodeCorpus('text' as never), 'INVALID_ARGUMENT', /argument 'corpus' must be a Corpus/);
  });
});

describe('CharTokenizer.encodeInto', () => {
  it('writes where encode would, and refuses a target too short or too narrow for the vocabulary', () => {
    const tok = CharTokenizer.fromText('abc');
    const ids = new Uint8Array(6);
    expect(tok.encodeInto('cab', ids, tok.encodeInto('abc', ids))).toBe(6);
    expect([...ids]).toEqual([0, 1, 2, 2, 0, 1]);
    expectSeqlabError(() => tok.encodeInto('abca', new Uint8Array(3)), 'INVALID_ARGUMENT', /too short/);
    const wide = CharTokenizer.fromCharacters(Array.from({ length: 300 }, (_, i) => String.fromCharCode(0x100 + i)));
    expectSeqlabError(() => wide.encodeInto('Ā', new Uint8Array(1)), 'INVALID_ARGUMENT', /a Uint8Array holds ids up to 255; the vocabulary has 300 ids/);
  });
});

describe('randomWindows over narrow ids', () => {
  it('draws the same batch from Uint8 ids as from the Int32 ids of the same text', () => {
    const corpus = encodeCorpus(loadCorpus('tinyshakespeare'));
    const narrow = randomWindows(corpus.train, { batchSize: 4, seqLen: 16, generator: new Generator(7) });
    const wide = randomWindows(Int32Array.from(corpus.train), { batchSize: 4, seqLen: 16, generator: new Generator(7) });
    expect([...narrow.offsets]).toEqual([...wide.offsets]);
    expect([...narrow.inputs.dataSync()]).toEqual([...wide.inputs.dataSync()]);
    expect([...narrow.targets.dataSync()]).toEqual([...wide.targets.dataSync()]);
  });
});
