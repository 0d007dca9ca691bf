// SequenceModel's LSTM forget-gate bias and trainModel's success flag, which the copy and adding budgets rely on.
import { crossEntropy } from '@seqlab/autograd';
import { reshape, setBackend, tensor } from '@seqlab/tensor-core';
import { describe, expect, it } from 'vitest';
import { budgetNotes, LITERATURE_SETTINGS, SequenceModel, trainModel } from '../src/index.js';

setBackend('cpu');

describe('SequenceModel forgetBias', () => {
  it('sets the forget-gate slice of b_ih to the value and of b_hh to 0, leaving the other gates as initialised', () => {
    const hidden = 4;
    const plain = new SequenceModel({ kind: 'LSTM', vocabSize: 5, hiddenSize: hidden, outputSize: 5, seed: 3 });
    const biased = new SequenceModel({ kind: 'LSTM', vocabSize: 5, hiddenSize: hidden, outputSize: 5, seed: 3, forgetBias: 1 });
    const p = plain.recurrent!.cellParameters(0);
    const b = biased.recurrent!.cellParameters(0);
    const [pIh, pHh, bIh, bHh] = [p.biasIh!, p.biasHh!, b.biasIh!, b.biasHh!].map((t) => Array.from(t.dataSync()));
    for (let i = 0; i < 4 * hidden; i++) {
      const forget = i >= hidden && i < 2 * hidden;
      expect(bIh[i]).toBe(forget ? 1 : pIh[i]);
      expect(bHh[i]).toBe(forget ? 0 : pHh[i]);
    }
    // The weights are untouched, so only the bias differs between the two models.
    expect(Array.from(b.weightHh.dataSync())).toEqual(Array.from(p.weightHh.dataSync()));
  });

  it('rejects a non-finite bias and is ignored by the other families', () => {
    expect(() => new SequenceModel({ kind: 'LSTM', vocabSize: 5, hiddenSize: 4, outputSize: 5, seed: 0, forgetBias: Number.NaN })).toThrow(/forgetBias/);
    const gru = new SequenceModel({ kind: 'GRU', vocabSize: 5, hiddenSize: 4, outputSize: 5, seed: 0, forgetBias: 1 });
    const same = new SequenceModel({ kind: 'GRU', vocabSize: 5, hiddenSize: 4, outputSize: 5, seed: 0 });
    expect(Array.from(gru.recurrent!.cellParameters(0).biasIh!.dataSync())).toEqual(Array.from(same.recurrent!.cellParameters(0).biasIh!.dataSync()));
  });
});

describe('trainModel success flag', () => {
  const setup = () => {
    const model = new SequenceModel({ kind: 'GRU', vocabSize: 4, hiddenSize: 8, outputSize: 4, seed: 0 });
    const x = tensor(Int32Array.from([0, 1, 2, 3, 0, 1, 2, 3]), [2, 4], { dtype: 'int32' });
    const loss = () => crossEntropy(reshape(model.forward(x), [8, 4]), reshape(x, [8]));
    return { model, loss };
  };

  it('reports success at the last evaluation of the budget without calling it an early stop', async () => {
    const { model, loss } = setup();
    // A criterion that never holds: neither an early stop nor a success.
    const never = await trainModel(model, loss, { steps: 6, lr: 0.01, evalEvery: 5, stopWhen: () => false }, () => ({}));
    expect(never).toMatchObject({ stoppedEarly: false, succeeded: false });
    // Evaluations at step 5 (checked for stopping) and step 6 (the last): the criterion holds only at the second.
    let calls = 0;
    const counted = await trainModel(model, loss, { steps: 6, lr: 0.01, evalEvery: 5, stopWhen: () => ++calls === 2 }, () => ({}));
    expect(counted.stoppedEarly).toBe(false);
    expect(counted.succeeded).toBe(true);
    expect(counted.checkpoints.map((c) => c.step)).toEqual([5, 6]);
  });

  it('marks an early stop as a success, and a run without a criterion as none', async () => {
    const { model, loss } = setup();
    const early = await trainModel(model, loss, { steps: 20, lr: 0.01, evalEvery: 5, stopWhen: () => true }, () => ({}));
    expect(early).toMatchObject({ steps: 5, stoppedEarly: true, succeeded: true });
    const plain = await trainModel(model, loss, { steps: 3, lr: 0.01 }, () => ({}));
    expect(plain).toMatchObject({ steps: 3, stoppedEarly: false, succeeded: false });
  });
});

describe('budget notes', () => {
  it('lists the trial runs behind the copy settings under the table', () => {
    const notes = budgetNotes({ literature: LITERATURE_SETTINGS.copy.source, trials: LITERATURE_SETTINGS.copy.trials }).join('\n');
    expect(LITERATURE_SETTINGS.copy.trials.length).toBeGreaterThan(0);
    for (const t of LITERATURE_SETTINGS.copy.trials) expect(notes).toContain(`| ${t.run} | ${t.result} |`);
    expect(budgetNotes({}).join('\n')).not.toContain('Trial runs');
  });
});
