// Unit tests of the synthetic-task sessions in Node: each task trains (its loss falls), is seeded, and shows examples.
import { describe, expect, it } from 'vitest';
import { createTaskSession, isSeq2SeqTask } from '../src/lib/task-session.js';
import { defaultTrainConfig, type TaskId, type TrainConfig } from '../src/lib/train-config.js';

const small = (task: TaskId, patch: Partial<TrainConfig> = {}): TrainConfig => ({
  ...defaultTrainConfig('gru', task),
  hidden: 16,
  batch: 8,
  lr: 0.01,
  seed: 2,
  ...patch,
});

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('synthetic task sessions', () => {
  it.each([
    ['copy', { taskLength: 5 }],
    ['adding', { taskLength: 10 }],
    ['reversal', { taskLength: 4 }],
    ['translation', { taskLength: 4, attention: 1 }],
  ] as const)('%s: the loss falls over 40 steps', (task, patch) => {
    const session = createTaskSession(small(task, patch));
    const losses = Array.from({ length: 40 }, () => session.trainStep().loss);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(mean(losses.slice(-8))).toBeLessThan(mean(losses.slice(0, 8)));
    expect(session.step).toBe(40);
  });

  it('is seeded: the same config gives the same losses, another seed others', () => {
    const run = (seed: number) => {
      const s = createTaskSession(small('copy', { taskLength: 5, seed, model: 'transformer', heads: 2 }));
      return [s.trainStep().loss, s.trainStep().loss];
    };
    expect(run(4)).toEqual(run(4));
    expect(run(4)).not.toEqual(run(5));
  });

  it("draws each task's baseline", () => {
    expect(createTaskSession(small('copy', { taskLength: 20 })).baselines()).toEqual([{ label: 'memoryless', value: (10 * Math.log(8)) / 40 }]);
    expect(createTaskSession(small('adding')).baselines()[0].value).toBeCloseTo(1 / 6, 12);
    expect(createTaskSession(small('reversal', { taskLength: 8 })).baselines()[0].value).toBeCloseTo((8 * Math.log(10)) / 9, 12);
    const [unigram] = createTaskSession(small('translation')).baselines();
    expect(unigram.label).toBe('unigram');
    expect(unigram.value).toBeGreaterThan(1);
  });

  it('shows an example: input, target and the model’s greedy output', () => {
    const copy = createTaskSession(small('copy', { taskLength: 5 })).example();
    expect(copy.input.split(' ')).toHaveLength(10);
    expect(copy.target).toBe(copy.input);
    expect(copy.prediction.split(' ')).toHaveLength(10);
    const translation = createTaskSession(small('translation')).example();
    expect(translation.input.split(' ').length).toBeGreaterThanOrEqual(3);
    expect(typeof translation.prediction).toBe('string');
    const reversal = createTaskSession(small('reversal', { taskLength: 4 })).example();
    expect(reversal.target).toBe(reversal.input.split(' ').reverse().join(' '));
  });

  it('refuses a Transformer for the sequence-to-sequence tasks', () => {
    expect(isSeq2SeqTask('reversal')).toBe(true);
    expect(isSeq2SeqTask('copy')).toBe(false);
    expect(() => createTaskSession(small('reversal', { model: 'transformer' }))).toThrow('choose RNN, LSTM or GRU');
  });
});
