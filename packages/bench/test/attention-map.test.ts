import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attentionMapExperiment, wordAttention, wordSpans, type AttentionMapMeasurements } from '../src/index.js';
import { checkResultFiles } from '@seqlab/test-utils/suites';

describe('attention-map experiment (test size)', () => {
  it('writes attention-map.json/.md/.svg with a causal word map per head and RNN states per character', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'seqlab-attention-map-'));
    const json = checkResultFiles('attention-map', await attentionMapExperiment.run({ size: 'test', outDir, seed: 7, backend: 'cpu' }));
    const m = json.measurements as AttentionMapMeasurements;
    expect(m.words).toEqual(['The', 'cat', 'sat', 'on', 'the', 'mat', 'because', 'it', 'was', 'comfortable']);
    expect(m.heads.length).toBe(2);
    for (const h of m.heads) {
      h.weights.forEach((row, i) => {
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        for (let j = i + 1; j < row.length; j++) expect(row[j]).toBeCloseTo(0, 6);
      });
    }
    expect(m.rnn.states.length).toBe(m.sentence.length);
    expect(m.pronoun.links.length).toBe(2);
  });

  it('sums character attention into words', () => {
    const spans = wordSpans('ab c');
    expect(spans).toEqual([
      { word: 'ab', start: 0, end: 2 },
      { word: 'c', start: 3, end: 4 },
    ]);
    // 4 characters; query 'c' (row 3) puts 0.5 on 'a', 0.25 on the space, 0.25 on itself.
    const w = new Float64Array(16);
    w[0] = 1;
    w[4] = 0.5;
    w[5] = 0.5;
    w[8] = 0.2;
    w[9] = 0.3;
    w[10] = 0.5;
    w[12] = 0.5;
    w[14] = 0.25;
    w[15] = 0.25;
    const words = wordAttention(w, 4, spans);
    expect(words[0]).toEqual([1, 0]);
    expect(words[1][0]).toBeCloseTo(0.5 / 0.75, 10);
    expect(words[1][1]).toBeCloseTo(0.25 / 0.75, 10);
  });
});
