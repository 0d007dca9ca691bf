import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryExperiment, type MemoryMeasurements } from '../src/index.js';
import { checkResultFiles } from '@seqlab/test-utils/experiment-results';

describe('memory experiment (test size)', () => {
  it('writes memory.json/.md/.svg with rows for both models and fitted exponents', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'seqlab-memory-'));
    const json = checkResultFiles('memory', await memoryExperiment.run({ size: 'test', outDir, seed: 2, backend: 'cpu' }));
    const m = json.measurements as MemoryMeasurements;
    expect(m.rows.map((r) => r.model)).toEqual([
      'LSTM',
      'LSTM',
      'LSTM',
      'Transformer',
      'Transformer',
      'Transformer',
      ...Array(3).fill('Transformer (composed attention)'),
    ]);
    for (const r of m.rows) expect(r.peakTensorBytes).toBeGreaterThan(0);
    expect(m.exponents.map((e) => e.model)).toEqual(['LSTM', 'Transformer', 'Transformer (composed attention)']);
    // gpu rows (when the gpu backend starts): the same three models at the gpu lengths, with a positive counter.
    if ('error' in m.gpu) expect(m.gpuRows).toEqual([]);
    else {
      expect(m.gpuRows.map((r) => r.model)).toEqual(['LSTM', 'Transformer', 'Transformer (composed attention)']);
      for (const r of m.gpuRows) expect(r.peakTensorBytes).toBeGreaterThan(0);
      expect(m.gpu.label).toMatch(/^gpu \(/);
    }
  });
});
