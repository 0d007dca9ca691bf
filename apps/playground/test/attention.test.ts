// Attention view model: weights from the model, head selection, head-view lines, the decomposition of one cell, cross-attention.
import { describe, expect, it } from 'vitest';
import { TransformerLM } from '@seqlab/attention';
import { CharTokenizer, ToyTranslation } from '@seqlab/datasets';
import { Seq2Seq } from '@seqlab/recurrent';
import { Generator, tensor } from '@seqlab/tensor-core';
import {
  crossAttention,
  decomposeCell,
  encodeText,
  formatAttentionQuery,
  headColour,
  headViewLines,
  isolateHead,
  parseAttentionQuery,
  toggleHead,
  transformerAttention,
} from '../src/lib/attention.js';

const tokenizer = CharTokenizer.fromText('abcdefghijklmnopqrstuvwxyz ,.');
const lm = new TransformerLM(
  { vocabSize: tokenizer.vocabSize, contextLength: 16, numLayers: 2, numHeads: 3, dModel: 12, dFF: 24 },
  { generator: new Generator(4) },
).eval();
const text = encodeText(tokenizer, 'the cat sat.', 16);

describe('encodeText', () => {
  it('keeps known characters up to the context and reports unknown ones once', () => {
    expect(text.tokens.join('')).toBe('the cat sat.');
    const e = encodeText(tokenizer, 'Hi! hi!', 3);
    expect(e.unknown).toEqual(['H', '!']);
    expect(e.tokens).toEqual(['i', ' ', 'h']);
    expect(e.ids).toEqual([...tokenizer.encode('i h')]);
  });
});

describe('transformerAttention', () => {
  const maps = transformerAttention(lm, text.ids, text.tokens);
  it('gives [layer][head][query][key] causal softmax rows', () => {
    expect([maps.layers, maps.heads, maps.weights.length, maps.weights[0].length, maps.weights[1][2].length]).toEqual([2, 3, 2, 3, 12]);
    for (const layer of maps.weights)
      for (const head of layer)
        head.forEach((row, i) => {
          expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
          expect(row.slice(i + 1).every((w) => w === 0)).toBe(true);
        });
  });

  it('draws only the focused query row of the shown heads, above the weight floor', () => {
    const lines = headViewLines(maps, 1, [true, false, true], 5, 0);
    expect(new Set(lines.map((l) => l.head))).toEqual(new Set([0, 2]));
    expect(lines.every((l) => l.query === 5 && l.key <= 5)).toBe(true);
    expect(lines).toHaveLength(12);
    expect(lines.find((l) => l.head === 2 && l.key === 3)!.weight).toBe(maps.weights[1][2][5][3]);
    const all = headViewLines(maps, 0, [true, true, true], null, 0);
    expect(all).toHaveLength(3 * ((12 * 13) / 2));
    expect(headViewLines(maps, 0, [true, true, true], null, 0.2).every((l) => l.weight >= 0.2)).toBe(true);
  });

  it('rejects an empty text', () => {
    expect(() => transformerAttention(lm, [], [])).toThrow(/transformerAttention: argument 'ids' must hold at least one token/);
  });
});

describe('head selection', () => {
  it('toggles one head on click and isolates on double-click (again restores all)', () => {
    expect(toggleHead([true, true, true], 1)).toEqual([true, false, true]);
    expect(toggleHead([true, false, true], 1)).toEqual([true, true, true]);
    expect(isolateHead([true, true, true], 2)).toEqual([false, false, true]);
    expect(isolateHead([false, false, true], 2)).toEqual([true, true, true]);
    expect(isolateHead([true, false, true], 0)).toEqual([true, false, false]);
  });

  it('gives each of up to seven heads a distinct colour from the colour-blind-safe palette', () => {
    expect(new Set(Array.from({ length: 7 }, (_, h) => headColour(h))).size).toBe(7);
    expect(headColour(1)).toBe('#E69F00');
  });
});

describe('decomposeCell', () => {
  const maps = transformerAttention(lm, text.ids, text.tokens);
  it.each([
    [0, 0, 7, 2],
    [1, 2, 11, 11],
    [1, 1, 4, 9],
  ])('layer %i head %i query %i key %i: softmax of q·k/√d equals the weights forwardWithWeights returns', (layer, head, query, key) => {
    const cell = decomposeCell(lm, text.ids, layer, head, query, key);
    expect(cell.q).toHaveLength(4);
    expect(cell.scale).toBeCloseTo(1 / 2, 12);
    expect(cell.products.reduce((a, b) => a + b, 0)).toBeCloseTo(cell.dots[key], 6);
    expect(cell.masked).toEqual(Array.from({ length: 12 }, (_, j) => j > query));
    cell.softmax.forEach((w, j) => expect(w).toBeCloseTo(maps.weights[layer][head][query][j], 5));
  });

  it('names the argument that is out of range', () => {
    expect(() => decomposeCell(lm, text.ids, 2, 0, 0, 0)).toThrow(/decomposeCell: argument 'layer' must be an integer in \[0, 2\); received 2/);
    expect(() => decomposeCell(lm, text.ids, 0, 0, 12, 0)).toThrow(/argument 'query' must be an integer in \[0, 12\)/);
  });
});

describe('crossAttention', () => {
  const data = new ToyTranslation({ minLength: 3, maxLength: 5, seed: 1 });
  const model = new Seq2Seq(
    { sourceVocabSize: data.sourceTokenizer.vocabSize, targetVocabSize: data.targetTokenizer.vocabSize, embeddingDim: 8, hiddenSize: 8, attention: true },
    { generator: new Generator(2) },
  ).eval();

  it('decodes as greedyDecode does and gives one softmax row over the source per output word', () => {
    const sentence = 'the girl dances';
    const result = crossAttention(model, data.sourceTokenizer, data.targetTokenizer, sentence, 6);
    expect(result.source).toEqual(['the', 'girl', 'dances', '<eos>']);
    expect(result.weights).toHaveLength(result.output.length);
    for (const row of result.weights) {
      expect(row).toHaveLength(4);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
    const ids = data.sourceTokenizer.encode(sentence, { addEos: true });
    const tgt = data.targetTokenizer;
    const [greedy] = model.greedyDecode(tensor(ids, [1, ids.length], 'int32'), { startToken: tgt.bosId, endToken: tgt.eosId, maxLength: 6 });
    expect(result.output.filter((w) => w !== '<eos>')).toEqual(greedy.tokens.map((id) => tgt.decode([id])));
    expect(result.output.at(-1) === '<eos>').toBe(greedy.finished);
  });

  it('needs a model with attention and a sentence', () => {
    const plain = new Seq2Seq({ sourceVocabSize: 10, targetVocabSize: 10, embeddingDim: 4, hiddenSize: 4 });
    expect(() => crossAttention(plain, data.sourceTokenizer, data.targetTokenizer, 'the girl dances')).toThrow(/must be a Seq2Seq built with attention: true/);
    expect(() => crossAttention(model, data.sourceTokenizer, data.targetTokenizer, '  ')).toThrow(/must hold at least one word/);
  });
});

describe('attention view URL state', () => {
  const defaults = { text: 'abc', layer: 0, heads: [true, true, true], cell: { layer: 0, head: 0, query: 0, key: 0 }, sentence: 'the girl dances' };
  it('round-trips through the hash query', () => {
    const state = { text: 'To be, or not?', layer: 1, heads: [false, true, true], cell: { layer: 1, head: 2, query: 9, key: 4 }, sentence: 'the boy runs' };
    expect(parseAttentionQuery(formatAttentionQuery(state), defaults, 2, 3)).toEqual(state);
    expect(parseAttentionQuery(new URLSearchParams(formatAttentionQuery(state).toString()), defaults, 2, 3)).toEqual(state);
  });

  it('keeps the defaults for what is missing or does not fit the model', () => {
    expect(parseAttentionQuery(new URLSearchParams(''), defaults, 2, 3)).toEqual(defaults);
    const bad = parseAttentionQuery(new URLSearchParams('layer=2&heads=000&cell=1.x.3.2'), defaults, 2, 3);
    expect([bad.layer, bad.heads, bad.cell]).toEqual([0, defaults.heads, defaults.cell]);
    expect(parseAttentionQuery(new URLSearchParams('heads=0101'), defaults, 2, 3).heads).toEqual(defaults.heads);
    // A key after the query would be masked: it is clamped to the query.
    expect(parseAttentionQuery(new URLSearchParams('cell=1.1.3.7'), defaults, 2, 3).cell).toEqual({ layer: 1, head: 1, query: 3, key: 3 });
  });
});
