import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bottleneckExperiment, type BottleneckMeasurements } from '../src/index.js';
import { checkResultFiles, expectFallingLoss } from '@seqlab/test-utils/experiment-results';

describe('bottleneck experiment (test size)', () => {
  it('writes bottleneck.json/.md/.svg with scores per architecture and source length, curves and falling training loss', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'seqlab-bottleneck-'));
    const json = checkResultFiles('bottleneck', await bottleneckExperiment.run({ size: 'test', outDir, seed: 5, backend: 'cpu' }));
    const m = json.measurements as BottleneckMeasurements;
    expect(m.rows.map((r) => `${r.model}/${r.sourceLength}`)).toEqual([
      'GRU/3',
      'GRU/6',
      'GRU+attention/3',
      'GRU+attention/6',
      'Transformer/3',
      'Transformer/6',
    ]);
    for (const r of m.rows) {
      expect(r.tokenAccuracy).toBeGreaterThanOrEqual(0);
      expect(r.tokenAccuracy).toBeLessThanOrEqual(1);
    }
    expect(m.samples.map((x) => x.model)).toEqual(['GRU', 'GRU+attention', 'Transformer']);
    for (const t of m.training) {
      expect(t.curve.at(-1)?.step).toBe(t.steps);
      expectFallingLoss(t.model, t.trainLosses);
    }
  });
});
