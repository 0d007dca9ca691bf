// Unit tests of the training session in Node: the shared definition's numbers, checkpoint round trips and sampling.
import { randomWindows } from '@seqlab/datasets';
import { languageModelSpec, languageModelTrainStep, startLanguageModelTraining } from '@seqlab/recurrent';
import { describe, expect, it } from 'vitest';
import { charCorpus, CharLMSession } from '../src/lib/char-lm-session.js';
import { defaultTrainConfig, type TrainConfig } from '../src/lib/train-config.js';

const SMALL: TrainConfig = { ...defaultTrainConfig('gru'), hidden: 16, batch: 4, seq: 16, seed: 3 };

describe('CharLMSession', () => {
  it("takes the shared definition's steps: the losses of startLanguageModelTraining + randomWindows + languageModelTrainStep", () => {
    const session = CharLMSession.create(SMALL);
    const losses = [session.trainStep(), session.trainStep(), session.trainStep()].map((r) => r.loss);
    const corpus = charCorpus();
    const spec = languageModelSpec('gru', { vocabSize: corpus.tokenizer.vocabSize, hiddenSize: 16, numLayers: 1, numHeads: SMALL.heads, contextLength: 16 });
    const { model, optimizer, sampler } = startLanguageModelTraining(spec, { seed: 3, lr: SMALL.lr, weightDecay: SMALL.weightDecay });
    model.train();
    const direct = [0, 1, 2].map(
      () => languageModelTrainStep(model, optimizer, randomWindows(corpus.train, { batchSize: 4, seqLen: 16, generator: sampler }), { clipNorm: 1 }).loss,
    );
    expect(losses).toEqual(direct);
    expect(session.step).toBe(3);
  });

  it('starts near uniform guessing and reports bits per character and its baselines', () => {
    const session = CharLMSession.create(SMALL);
    const first = session.trainStep();
    const { uniform, unigram } = session.baselines();
    expect(uniform).toBeCloseTo(Math.log(65), 12);
    expect(unigram).toBeLessThan(uniform);
    expect(Math.abs(first.loss - uniform)).toBeLessThan(0.2);
    expect(first.bitsPerChar).toBeCloseTo(first.loss / Math.LN2, 12);
    expect(first.tokens).toBe(64);
  });

  it('continues from its checkpoint exactly: weights, AdamW state, step and batch sampler', () => {
    const a = CharLMSession.create(SMALL);
    a.trainStep();
    a.trainStep();
    const b = CharLMSession.fromCheckpoint(a.toCheckpoint(), { ...defaultTrainConfig(), seed: 3 });
    expect(b.step).toBe(2);
    expect(b.config).toMatchObject({ model: 'gru', hidden: 16, layers: 1 });
    // The config's batch and window are the page's: use the same ones to continue.
    const c = CharLMSession.fromCheckpoint(a.toCheckpoint(), SMALL);
    expect([c.trainStep().loss, c.trainStep().loss]).toEqual([a.trainStep().loss, a.trainStep().loss]);
  });

  it('samples the same text for the same seed, and different text for another', () => {
    const session = CharLMSession.create(SMALL);
    const options = { prompt: 'ROMEO:', length: 30, temperature: 0.8, topK: 0, topP: 1, seed: 1 };
    const text = session.sample(options);
    expect(text).toHaveLength(30);
    expect(session.sample(options)).toBe(text);
    expect(session.sample({ ...options, seed: 2 })).not.toBe(text);
    expect(() => session.sample({ ...options, prompt: '€' })).toThrow('the prompt holds "€"');
  });

  it('refuses a checkpoint without a language-model config', async () => {
    const { encodeCheckpoint } = await import('@seqlab/autograd');
    expect(() => CharLMSession.fromCheckpoint(encodeCheckpoint({ step: 1 }), SMALL)).toThrow('holds no seqlab language-model config');
  });
});
