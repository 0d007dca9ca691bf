// `seqlab demo` on the built CLI, with a one-second budget per model.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli, tempDir } from './run-cli.js';

it('trains both models, prints the table and samples, and writes demo.json, demo.svg and checkpoints', async () => {
  const dir = join(tempDir(), 'demo');
  const r = await runCli(['demo', '--time', '1', '--sample-length', '20', '--backend', 'cpu', '--out', dir]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/model\s+parameters\s+steps\s+tokens\/s\s+val loss \(nats\)\s+bits\/char\s+train time/);
  expect(r.stdout).toMatch(/^LSTM\s+[\d,]+\s+\d+/m);
  expect(r.stdout).toMatch(/^Transformer\s+[\d,]+\s+\d+/m);
  expect(r.stdout).toContain('ROMEO:');
  expect(r.stdout).toContain(`wrote ${join(dir, 'demo.json')} and ${join(dir, 'demo.svg')}`);

  const report = JSON.parse(readFileSync(join(dir, 'demo.json'), 'utf8')) as {
    environment: { backend: string; node: string; cores: number };
    settings: { secondsPerModel: number; vocabSize: number };
    models: {
      name: string;
      parameters: number;
      steps: number;
      tokensPerSecond: number;
      validation: { nats: number; bitsPerChar: number };
      validationCurve: { seconds: number; nats: number }[];
      trainingCurve: unknown[];
      sample: { text: string };
      checkpoint: string;
    }[];
    interrupted: boolean;
  };
  expect(report.environment).toMatchObject({ backend: 'cpu', node: process.version });
  expect(report.settings).toMatchObject({ secondsPerModel: 1, vocabSize: 65 });
  expect(report.interrupted).toBe(false);
  expect(report.models.map((m) => m.name)).toEqual(['LSTM', 'Transformer']);
  for (const m of report.models) {
    expect(m.parameters).toBeGreaterThan(10_000);
    expect(m.steps).toBeGreaterThan(0);
    expect(m.tokensPerSecond).toBeGreaterThan(0);
    expect(m.validation.bitsPerChar).toBeCloseTo(m.validation.nats / Math.LN2, 10);
    expect(m.validationCurve.length).toBeGreaterThanOrEqual(2);
    expect(m.trainingCurve).toHaveLength(m.steps);
    expect([...m.sample.text]).toHaveLength(20);
    expect(existsSync(m.checkpoint)).toBe(true);
  }
  const svg = readFileSync(join(dir, 'demo.svg'), 'utf8');
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg).toContain('validation loss (nats per character)');
  expect(svg).toContain('model: LSTM');
  expect(svg).toContain('model: Transformer');
}, 120_000);
