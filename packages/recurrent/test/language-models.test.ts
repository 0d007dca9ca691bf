// The shared language-model definition: specs, construction, seeding and the training step the CLI and playground use.
import { TransformerLM } from '@seqlab/attention';
import { Generator, InvalidArgumentError, tensor } from '@seqlab/tensor-core';
import { describe, expect, it } from 'vitest';
import {
  buildLanguageModel,
  LANGUAGE_MODEL_KINDS,
  languageModelSpec,
  languageModelSpecOf,
  languageModelTrainStep,
  RecurrentLM,
  startLanguageModelTraining,
} from '../src/index.js';

const SIZE = { vocabSize: 7, hiddenSize: 8, numLayers: 1, numHeads: 2, contextLength: 6 };
const ids = (values: number[]) => tensor(Int32Array.from(values), [2, 3], { dtype: 'int32' });
const BATCH = { inputs: ids([1, 2, 3, 4, 5, 6]), targets: ids([2, 3, 4, 5, 6, 0]) };

describe('language-model specs', () => {
  it.each(LANGUAGE_MODEL_KINDS)('%s: spec → model → spec is the identity with defaults filled in', (kind) => {
    const spec = languageModelSpec(kind, SIZE);
    const model = buildLanguageModel(spec, new Generator(0));
    expect(model).toBeInstanceOf(kind === 'transformer' ? TransformerLM : RecurrentLM);
    const back = languageModelSpecOf(model);
    expect(back.kind).toBe(kind);
    expect(back.config).toMatchObject(spec.config);
    expect(languageModelSpecOf(buildLanguageModel(back))).toEqual(back);
  });

  it('rejects an unknown kind and a recurrent config of another cell, naming them', () => {
    expect(() => languageModelSpec('cnn' as never, SIZE)).toThrow(InvalidArgumentError);
    const gru = languageModelSpec('gru', SIZE);
    expect(() => buildLanguageModel({ kind: 'lstm', config: gru.config })).toThrow(`a 'lstm' model must have config.cell 'lstm'; received "gru"`);
  });
});

describe('training', () => {
  it('the same seed gives the same weights and batch sampler; another seed does not', () => {
    const spec = languageModelSpec('lstm', SIZE);
    const a = startLanguageModelTraining(spec, { seed: 5, lr: 0.01, weightDecay: 0 });
    const b = startLanguageModelTraining(spec, { seed: 5, lr: 0.01, weightDecay: 0 });
    const c = startLanguageModelTraining(spec, { seed: 6, lr: 0.01, weightDecay: 0 });
    const weights = (m: typeof a.model) => m.parameters().map((p) => Array.from(p.dataSync()));
    expect(weights(a.model)).toEqual(weights(b.model));
    expect(weights(a.model)).not.toEqual(weights(c.model));
    expect(a.sampler.getState()).toEqual(b.sampler.getState());
  });

  it('a step lowers the loss on its batch, and repeats exactly from the same start', () => {
    const spec = languageModelSpec('transformer', SIZE);
    const run = () => {
      const { model, optimizer } = startLanguageModelTraining(spec, { seed: 1, lr: 0.05, weightDecay: 0 });
      return [0, 1, 2, 3].map(() => languageModelTrainStep(model, optimizer, BATCH, { clipNorm: 1 }));
    };
    const first = run();
    expect(first.every((s) => s.applied && Number.isFinite(s.gradNorm))).toBe(true);
    expect(first[3].loss).toBeLessThan(first[0].loss);
    expect(run().map((s) => s.loss)).toEqual(first.map((s) => s.loss));
  });

  it('leaves the weights untouched when the loss is not finite', () => {
    const { model, optimizer } = startLanguageModelTraining(languageModelSpec('rnn', SIZE), { seed: 2, lr: 0.1, weightDecay: 0 });
    const w = model.parameters()[0];
    const values = w.dataSync().slice();
    values.fill(Number.NaN);
    w.assign(tensor(values, [...w.shape]));
    const others = model
      .parameters()
      .slice(1)
      .map((p) => Array.from(p.dataSync()));
    const result = languageModelTrainStep(model, optimizer, BATCH, { clipNorm: 1 });
    expect(result.applied).toBe(false);
    expect(
      model
        .parameters()
        .slice(1)
        .map((p) => Array.from(p.dataSync())),
    ).toEqual(others);
  });
});
