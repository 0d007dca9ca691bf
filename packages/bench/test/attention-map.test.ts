import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Generator } from '@seqlab/tensor-core';
import { attentionMapExperiment, PRONOUN_ROLES, PRONOUN_VOCABULARY, pronounBatch, type AttentionMapMeasurements } from '../src/index.js';
import { checkResultFiles, expectFallingLoss } from '@seqlab/test-utils/experiment-results';

describe('attention-map experiment (test size)', () => {
  it('writes attention-map.json/.md/.svg with the mass from "it" per head, trained and untrained, the RNN view and falling training loss', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'seqlab-attention-map-'));
    const json = checkResultFiles('attention-map', await attentionMapExperiment.run({ size: 'test', outDir, seed: 7, backend: 'cpu' }));
    const m = json.measurements as AttentionMapMeasurements;
    // test size: one layer, two heads, each before and after training.
    expect(m.heads.map((h) => `${h.stage}/L${h.layer}H${h.head}`)).toEqual(['untrained/L0H0', 'untrained/L0H1', 'trained/L0H0', 'trained/L0H1']);
    for (const h of m.heads) {
      for (const v of [h.rightNoun, h.wrongNoun, h.rest]) expect(v).toBeGreaterThanOrEqual(-1e-6);
      expect(h.rightNoun + h.wrongNoun + h.rest).toBeCloseTo(1, 5);
    }
    expect(m.rnnStateChange.map((r) => r.role)).toEqual([...PRONOUN_ROLES, ...PRONOUN_ROLES]);
    expect(m.training.map((t) => t.model)).toEqual(['Transformer', 'RNN']);
    for (const t of m.training) expectFallingLoss(t.model, t.trainLosses);
  });

  it('generates sentences whose adjective after "it" decides the referent', () => {
    const b = pronounBatch(64, new Generator(3));
    const referents = b.referents.dataSync();
    const animals = ['cat', 'dog', 'bird', 'mouse', 'fox', 'cow'];
    const animalAdjectives = ['tired', 'hungry', 'sleepy', 'scared'];
    b.sentences.forEach((sentence, i) => {
      const words = sentence.split(' ');
      expect(words[7]).toBe('it');
      const referent = PRONOUN_VOCABULARY[referents[i]];
      expect(words[b.rightPositions[i]]).toBe(referent);
      expect(animals.includes(referent)).toBe(animalAdjectives.includes(words[9]));
    });
    // Both noun positions hold the referent in some sentences, so position alone cannot answer.
    expect(new Set(b.rightPositions)).toEqual(new Set([1, 5]));
  });
});
