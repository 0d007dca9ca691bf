import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { charlmExperiment, CHARLM_PRESETS, type CharLMMeasurements } from '../src/index.js';
import { checkResultFiles, expectFallingLoss } from '@seqlab/test-utils/experiment-results';

describe('charlm experiment (test size)', () => {
  it('writes charlm.json/.md/.svg with matched-size Transformer and LSTM runs of equal steps, curves, samples and falling training loss', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'seqlab-charlm-'));
    const json = checkResultFiles('charlm', await charlmExperiment.run({ size: 'test', outDir, seed: 6, backend: 'cpu' }));
    const m = json.measurements as CharLMMeasurements;
    expect(m.runs.map((r) => r.model)).toEqual(['Transformer', 'LSTM']);
    const [transformer, lstm] = m.runs;
    expect(Math.abs(lstm.parameters - transformer.parameters) / transformer.parameters).toBeLessThan(0.1);
    for (const r of m.runs) {
      expect(r.curve.length).toBeGreaterThan(0);
      expect(r.bitsPerChar).toBeCloseTo(r.validationLoss / Math.LN2, 6);
      expect(r.sample.length).toBeGreaterThan(0);
      // Equal budgets in steps, and the training loss falls.
      expect(r.steps).toBe(transformer.steps);
      expectFallingLoss(r.model, r.trainLosses);
    }
  });

  it("names nanoGPT's CPU configuration as a preset", () => {
    const p = CHARLM_PRESETS['nanogpt-shakespeare-char-cpu'];
    expect([p.layers, p.heads, p.width, p.context, p.batch, p.steps, p.lr]).toEqual([4, 4, 128, 64, 12, 2000, 1e-3]);
  });
});
