import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addingExperiment, type AddingMeasurements } from '../src/index.js';
import { checkResultFiles, expectFallingLoss } from '@seqlab/test-utils/experiment-results';

describe('adding experiment (test size)', () => {
  it('writes adding.json/.md/.svg with a trained run per model and length, within the step budget, with falling training loss', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'seqlab-adding-'));
    const json = checkResultFiles('adding', await addingExperiment.run({ size: 'test', outDir, seed: 4, backend: 'cpu' }));
    const m = json.measurements as AddingMeasurements;
    expect(m.rows.map((r) => r.model)).toEqual(['RNN', 'LSTM', 'GRU', 'Transformer', 'RNN', 'LSTM', 'GRU', 'Transformer']);
    for (const r of m.rows) {
      expect(r.steps).toBeGreaterThan(0);
      expect(r.steps).toBeLessThanOrEqual((json.settings as { steps: number }).steps);
      expect(r.curve.at(-1)?.step).toBe(r.steps);
      expect(r.trainLosses.length).toBe(r.steps);
      expectFallingLoss(`${r.model} T=${r.length}`, r.trainLosses);
    }
  });
});
