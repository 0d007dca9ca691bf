// The gradient-flow view-model: measured norms per position for each model, the spectral-radius slider's effect,
// determinism, and training between measurements.
import { describe, expect, it } from 'vitest';
import { DEFAULT_FLOW_CONFIG, FlowExperiment, FlowLab, flowPoints, survival, type FlowModelKind, type FlowReply } from '../src/lib/gradient-flow.js';

const small = { ...DEFAULT_FLOW_CONFIG, hiddenSize: 16, delay: 12, batchSize: 8 };

describe('FlowExperiment', () => {
  it.each(['rnn', 'lstm', 'gru', 'transformer'] as FlowModelKind[])('%s: one finite positive norm per position of the copy task', (kind) => {
    const experiment = new FlowExperiment({ ...small, kind });
    const snapshot = experiment.measure();
    expect(snapshot.norms).toHaveLength(experiment.task.sequenceLength);
    expect(snapshot.norms.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    expect(snapshot.step).toBe(0);
    expect(snapshot.trainLoss).toBeNull();
    expect(snapshot.probeLoss).toBeGreaterThan(0);
    if (kind === 'transformer') expect(snapshot.radius).toBeNull();
    else expect(snapshot.radius).toBeCloseTo(1, 4); // the default slider value, set on W_hh (each gate block)
  });

  it('the slider sets W_hh’s spectral radius, and a smaller radius makes the RNN’s gradient vanish faster', () => {
    const low = new FlowExperiment({ ...small, kind: 'rnn', spectralRadius: 0.5 });
    const high = new FlowExperiment({ ...small, kind: 'rnn', spectralRadius: 1.5 });
    expect(low.radius()).toBeCloseTo(0.5, 4);
    expect(high.radius()).toBeCloseTo(1.5, 4);
    const lowSurvival = survival(low.measure());
    expect(lowSurvival).toBeLessThan(1e-3);
    expect(survival(high.measure())).toBeGreaterThan(100 * lowSurvival);
    expect(new FlowExperiment({ ...small, kind: 'rnn', spectralRadius: null }).radius()).not.toBeCloseTo(1, 2);
  });

  it('attention reaches the first position directly: the Transformer keeps far more gradient there than a ρ = 0.5 RNN', () => {
    const transformer = survival(new FlowExperiment({ ...small, kind: 'transformer' }).measure());
    const rnn = survival(new FlowExperiment({ ...small, kind: 'rnn', spectralRadius: 0.5 }).measure());
    expect(transformer).toBeGreaterThan(1e3 * rnn);
  });

  it('is deterministic for a seed, and training changes the norms and lowers the loss', () => {
    const a = new FlowExperiment({ ...small, kind: 'lstm' });
    const b = new FlowExperiment({ ...small, kind: 'lstm' });
    const first = a.measure();
    expect(b.measure()).toEqual(first);
    const losses = a.train(30);
    expect(losses).toHaveLength(30);
    expect(a.step).toBe(30);
    const later = a.measure();
    expect(later.step).toBe(30);
    expect(later.trainLoss).toBeCloseTo(losses.reduce((s, v) => s + v, 0) / 30, 10);
    expect(later.norms).not.toEqual(first.norms);
    const early = losses.slice(0, 5).reduce((s, v) => s + v, 0);
    const late = losses.slice(-5).reduce((s, v) => s + v, 0);
    expect(late).toBeLessThan(early);
  });

  it('rejects bad settings with the option named', () => {
    expect(() => new FlowExperiment({ ...small, kind: 'rnn', spectralRadius: 0 })).toThrow(/option 'spectralRadius'/);
    expect(() => new FlowExperiment({ ...small, kind: 'cnn' as FlowModelKind })).toThrow(/option 'kind'/);
  });
});

describe('flowPoints and survival', () => {
  it('turn snapshots into chart rows with the distance from the last step', () => {
    const rows = flowPoints([{ kind: 'gru', step: 5, norms: [0.001, 0.1, 1], probeLoss: 1, trainLoss: 1, radius: 1 }]);
    expect(rows.map((r) => [r.k, r.distance, r.norm])).toEqual([
      [0, 2, 0.001],
      [1, 1, 0.1],
      [2, 0, 1],
    ]);
    expect(survival({ norms: [0.001, 0.1, 1] })).toBe(0.001);
    expect(survival({ norms: [0, 0] })).toBe(0);
  });
});

describe('FlowLab (the worker without the worker)', () => {
  it('measures the four models at init, trains them in rounds, and a newer request abandons an older one', async () => {
    const replies: FlowReply[] = [];
    const lab = new FlowLab((r) => replies.push(r));
    await lab.handle({ type: 'init', config: small });
    expect(replies.map((r) => (r.type === 'snapshot' ? `${r.snapshot.kind}@${r.snapshot.step}` : r.type))).toEqual([
      'rnn@0',
      'lstm@0',
      'gru@0',
      'transformer@0',
      'done',
    ]);
    replies.length = 0;
    await lab.handle({ type: 'train', steps: 4, every: 3 });
    expect(replies.map((r) => (r.type === 'snapshot' ? `${r.snapshot.kind}@${r.snapshot.step}` : r.type))).toEqual([
      'rnn@3',
      'lstm@3',
      'gru@3',
      'transformer@3',
      'rnn@4',
      'lstm@4',
      'gru@4',
      'transformer@4',
      'done',
    ]);
    replies.length = 0;
    let interrupted = false;
    let pending: Promise<void> = Promise.resolve();
    const interrupting = new FlowLab(
      (r) => replies.push(r),
      async () => {
        if (interrupted) return;
        interrupted = true;
        pending = interrupting.handle({ type: 'train', steps: 1, every: 1 });
      },
    );
    await interrupting.handle({ type: 'init', config: small });
    await pending;
    // The init stopped after its first model; the train request then ran on the one experiment built.
    expect(replies.map((r) => (r.type === 'snapshot' ? `${r.snapshot.kind}@${r.snapshot.step}` : r.type))).toEqual(['rnn@0', 'rnn@1', 'done']);
    replies.length = 0;
    await lab.handle({ type: 'train', steps: 0, every: 1 });
    expect(replies).toEqual([{ type: 'error', message: expect.stringMatching(/'steps' and 'every' must be positive integers; received 0 and 1/) }]);
  });
});
