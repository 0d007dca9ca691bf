// RecurrentLM: PyTorch names and config, streaming seeded generation, evaluation, and learning real text.
import { Adam, crossEntropy } from '@seqlab/autograd';
import { CharTokenizer, loadCorpus } from '@seqlab/datasets';
import { Generator, reshape, tensor } from '@seqlab/tensor-core';
import { describe, expect, it } from 'vitest';
import { RecurrentLM, unigramCrossEntropy, type RecurrentLMConfig } from '../src/index.js';
import { expectClose } from './helpers.js';

const ids = (values: number[], shape: number[]) => tensor(values, shape, 'int32');

describe('RecurrentLM', () => {
  it('uses the state_dict names of the PyTorch module in the README and rebuilds from its plain config', () => {
    const model = new RecurrentLM({ vocabSize: 11, embeddingDim: 5, hiddenSize: 6, numLayers: 2 }, { generator: new Generator(0) });
    expect(Object.keys(model.stateDict())).toEqual([
      'embedding.weight',
      ...[0, 1].flatMap((l) => ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'].map((p) => `rnn.${p}_l${l}`)),
      'head.weight',
      'head.bias',
    ]);
    expect([...model.stateDict()['rnn.weight_ih_l0'].shape]).toEqual([24, 5]);
    const config = JSON.parse(JSON.stringify(model.config)) as RecurrentLMConfig;
    expect(config).toEqual({ vocabSize: 11, embeddingDim: 5, hiddenSize: 6, numLayers: 2, cell: 'lstm', dropout: 0 });
    const rebuilt = new RecurrentLM(config, { generator: new Generator(99) });
    rebuilt.loadStateDict(model.stateDict());
    const x = ids([1, 2, 3, 4, 5, 6], [2, 3]);
    expectClose(rebuilt.forward(x).logits, model.forward(x).logits, { rtol: 0, atol: 0 }, 'logits');
  });

  it.each(['lstm', 'gru', 'rnn'] as const)('%s: logits are [batch, seq, vocab] and loss is their mean cross-entropy', (cell) => {
    const model = new RecurrentLM({ vocabSize: 7, embeddingDim: 4, hiddenSize: 5, cell }, { generator: new Generator(1), dtype: 'float64' });
    const x = ids([0, 1, 2, 3, 4, 5, 6, 0], [2, 4]);
    const y = ids([1, 2, 3, 4, 5, 6, 0, 1], [2, 4]);
    const { logits } = model.forward(x);
    expect([...logits.shape]).toEqual([2, 4, 7]);
    const expected = crossEntropy(reshape(logits, [8, 7]), reshape(y, [8]));
    expect(model.loss(x, y).item()).toBeCloseTo(expected.item(), 12);
  });

  it('generates the same tokens for the same seed, streams each token as it is drawn, and restores training mode', async () => {
    const model = new RecurrentLM({ vocabSize: 9, embeddingDim: 4, hiddenSize: 8 }, { generator: new Generator(2) });
    const a = model.generate([1, 2], { length: 12, seed: 5 });
    const b = model.generate([1, 2], { length: 12, seed: 5 });
    expect(a).toEqual(b);
    expect(a).toHaveLength(12);
    expect(model.generate([1, 2], { length: 12, seed: 6 })).not.toEqual(a);
    // Lazily: taking three tokens from the stream draws three, and leaving early restores training mode.
    const it3: number[] = [];
    for await (const t of model.stream([1, 2], { length: 1000, seed: 5 })) {
      expect(model.training).toBe(false);
      it3.push(t);
      if (it3.length === 3) break;
    }
    expect(it3).toEqual(a.slice(0, 3));
    expect(model.training).toBe(true);
  });

  it('temperature 0 and topK 1 are greedy decoding', () => {
    const model = new RecurrentLM({ vocabSize: 9, embeddingDim: 4, hiddenSize: 8 }, { generator: new Generator(3) });
    const greedy = model.generate([4], { length: 6, temperature: 0 });
    expect(model.generate([4], { length: 6, topK: 1, temperature: 2, seed: 1 })).toEqual(greedy);
    const prompt = [4];
    for (const t of greedy) {
      const { logits } = model.forward(tensor(prompt, [1, prompt.length], 'int32'));
      const last = Array.from(logits.dataSync()).slice(-9);
      expect(t).toBe(last.indexOf(Math.max(...last)));
      prompt.push(t);
    }
  });

  it('with carryState, evaluates in nats and bits per character, the same for any chunking of the stream', () => {
    const model = new RecurrentLM({ vocabSize: 6, embeddingDim: 3, hiddenSize: 5 }, { generator: new Generator(4), dtype: 'float64' });
    const text = Array.from({ length: 41 }, (_, i) => (i * 7 + (i >> 2)) % 6);
    const whole = model.loss(ids(text.slice(0, 40), [1, 40]), ids(text.slice(1), [1, 40])).item();
    const score = model.evaluate(text, { seqLen: 7, carryState: true });
    expect(score.tokens).toBe(40);
    expect(score.nats).toBeCloseTo(whole, 10);
    expect(score.bitsPerToken).toBeCloseTo(whole / Math.LN2, 10);
    expect(score.perplexity).toBeCloseTo(Math.exp(whole), 8);
    expect(() => model.evaluate([1], { carryState: true })).toThrow(/at least 2 tokens/);
    expect(() => model.evaluate([1])).toThrow(/at least 2 tokens/);
    expect(() => model.generate([6], { length: 1 })).toThrow(/'prompt'.*\[0, 6\).*received 6 at index 0/);
  });
});

describe('training on text', () => {
  it('an LSTM language model trained on a small text drops well below the unigram entropy on held-out text', () => {
    const text = loadCorpus('tinyshakespeare').text.slice(0, 56000);
    const tok = CharTokenizer.fromText(text);
    const train = tok.encode(text.slice(0, 50000));
    const heldOut = tok.encode(text.slice(50000));
    const unigram = unigramCrossEntropy(train, heldOut, tok.vocabSize);
    const model = new RecurrentLM({ vocabSize: tok.vocabSize, embeddingDim: 16, hiddenSize: 64 }, { generator: new Generator(0) });
    const optimizer = new Adam(model.parameters(), { lr: 1e-2 });
    const g = new Generator(1);
    const [batch, steps] = [16, 32];
    const before = model.evaluate(heldOut, { seqLen: 128, batchSize: 8 }).nats;
    for (let it = 0; it < 150; it++) {
      const inputs = new Int32Array(batch * steps);
      const targets = new Int32Array(batch * steps);
      for (let b = 0; b < batch; b++) {
        const start = g.int(0, train.length - steps - 1);
        inputs.set(train.subarray(start, start + steps), b * steps);
        targets.set(train.subarray(start + 1, start + steps + 1), b * steps);
      }
      const loss = model.loss(tensor(inputs, [batch, steps], 'int32'), tensor(targets, [batch, steps], 'int32'));
      loss.backward();
      optimizer.step();
      optimizer.zeroGrad();
    }
    const after = model.evaluate(heldOut, { seqLen: 128, batchSize: 8 });
    expect(before).toBeGreaterThan(unigram);
    expect(unigram).toBeGreaterThan(3);
    expect(after.nats).toBeLessThan(unigram - 0.8);
    expect(after.bitsPerToken).toBeCloseTo(after.nats / Math.LN2, 12);
  }, 180_000);
});
