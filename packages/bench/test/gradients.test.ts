import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { effectiveContext, gradientsExperiment, relativeToLast, type GradientMeasurements } from '../src/index.js';
import { checkResultFiles } from '@seqlab/test-utils/experiment-results';

describe('gradients experiment (test size)', () => {
  it('writes gradients.json/.md/.svg with a norm per step for every model, before and after training', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'seqlab-gradients-'));
    const json = checkResultFiles('gradients', await gradientsExperiment.run({ size: 'test', outDir, seed: 3, backend: 'cpu' }));
    const m = json.measurements as GradientMeasurements;
    expect(m.profiles.map((p) => `${p.model}/${p.stage}`)).toEqual([
      'RNN ρ=0.5/init',
      'RNN ρ=0.5/trained',
      'RNN ρ=1/init',
      'RNN ρ=1/trained',
      'LSTM/init',
      'LSTM/trained',
      'GRU/init',
      'GRU/trained',
      'Transformer/init',
      'Transformer/trained',
    ]);
    for (const p of m.profiles) {
      expect(p.norms.length).toBe(m.sequenceLength);
      expect(p.norms.at(-1)).toBeGreaterThan(0);
      expect(p.relative[0]).toBeCloseTo(1, 6);
    }
  });

  it('measures the distance at which the relative gradient falls under the threshold', () => {
    expect(relativeToLast([0.001, 0.1, 1])).toEqual([1, 0.1, 0.001]);
    expect(effectiveContext([1, 0.1, 0.001])).toBe(2);
    expect(effectiveContext([1, 0.5, 0.2])).toBe(3);
  });
});
