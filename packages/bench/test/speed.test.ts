import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { speedExperiment, type SpeedMeasurements } from '../src/index.js';
import { checkResultFiles } from '@seqlab/test-utils/experiment-results';

describe('speed experiment (test size)', () => {
  it('writes speed.json/.md/.svg with a row per model, library and length', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'seqlab-speed-'));
    const events: number[] = [];
    const outcome = await speedExperiment.run({ size: 'test', outDir, seed: 1, backend: 'cpu', onProgress: (e) => events.push(e.completed) });
    const json = checkResultFiles('speed', outcome);
    const m = json.measurements as SpeedMeasurements;
    const seqlab = m.rows.filter((r) => r.library === 'seqlab');
    expect(seqlab.map((r) => r.model)).toEqual(['RNN', 'RNN', 'LSTM', 'LSTM', 'GRU', 'GRU', 'Transformer', 'Transformer']);
    for (const r of seqlab) expect(r.trainStepMs).toBeGreaterThan(0);
    const tf = m.rows.filter((r) => r.library === 'tfjs');
    expect(tf.length).toBe(4);
    for (const r of tf) expect(r.trainStepMs !== null || typeof r.note === 'string').toBe(true);
    expect(events.at(-1)).toBe(events.length > 0 ? Math.max(...events) : 0);
    // gpu rows: one per model at the gpu lengths, labelled with what ran them; software rows say so in the label.
    expect(m.gpuRows.map((r) => r.model)).toEqual(['RNN', 'LSTM', 'GRU', 'Transformer']);
    for (const r of m.gpuRows) expect(r.backend).toMatch(/^gpu/);
    if (!('error' in m.gpu)) {
      expect(m.gpuRows.every((r) => r.backend === m.gpu.label && r.trainStepMs !== null)).toBe(true);
      if (m.gpu.software) expect(m.gpu.label).toMatch(/software/);
    }
    expect(readFileSync(join(outDir, 'speed.md'), 'utf8')).toMatch(/gpu rows/);
  });
});
