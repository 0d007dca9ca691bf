import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyExperiment, type CopyMeasurements } from '../src/index.js';
import { checkResultFiles, expectFallingLoss } from '@seqlab/test-utils/experiment-results';

describe('copy experiment (test size)', () => {
  it('writes copy.json/.md/.svg with a trained run per model and delay, its curve and trend, within the step budget, with falling training loss', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'seqlab-copy-'));
    const json = checkResultFiles('copy', await copyExperiment.run({ size: 'test', outDir, seed: 4, backend: 'cpu' }));
    const m = json.measurements as CopyMeasurements;
    expect(m.rows.map((r) => r.model)).toEqual(['RNN', 'LSTM', 'GRU', 'Transformer', 'RNN', 'LSTM', 'GRU', 'Transformer']);
    const settings = json.settings as { steps: number; evalEvery: number };
    for (const r of m.rows) {
      expect(r.steps).toBeGreaterThan(0);
      expect(r.steps).toBeLessThanOrEqual(settings.steps);
      expect(r.trainLosses.length).toBe(r.steps);
      expect(r.curve.at(-1)?.step).toBe(r.steps);
      expect(r.curve.length).toBe(Math.ceil(r.steps / settings.evalEvery));
      expect(typeof r.moving).toBe('boolean');
      // Each model's training loss falls over the run (a broken optimizer or gradient would leave it flat).
      expectFallingLoss(`${r.model} T=${r.delay}`, r.trainLosses);
    }
  });
});
