// train, inspect, eval and generate on the built CLI with a tiny model, and exact resume.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runCli, stepLosses, tempDir, TINY } from './run-cli.js';

const dir = tempDir();
const run = join(dir, 'run');
const checkpoint = join(run, 'checkpoint.safetensors');
let trainOut = '';

beforeAll(async () => {
  const r = await runCli(['train', '--model', 'lstm', '--steps', '20', '--checkpoint-every', '10', ...TINY, '--out', run, '--json']);
  expect(r.code, r.stderr).toBe(0);
  trainOut = r.stdout;
});

describe('train --json', () => {
  it('reports start, every step, validations, checkpoints and the end as JSON lines', () => {
    const events = jsonLines(trainOut);
    expect(events[0]).toMatchObject({ event: 'start', backend: 'cpu', step: 0, out: run });
    expect([...stepLosses(trainOut).keys()]).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (const loss of stepLosses(trainOut).values()) expect(Number.isFinite(loss)).toBe(true);
    expect(events.filter((e) => e.event === 'validation').map((e) => e.step)).toEqual([0, 10, 20]);
    expect(events.filter((e) => e.event === 'checkpoint').map((e) => e.step)).toEqual([10, 20]);
    expect(events.at(-1)).toMatchObject({ event: 'end', outcome: 'finished', step: 20, checkpoint });
    expect(existsSync(checkpoint)).toBe(true);
  });

  it('learns: the validation loss after 20 steps is below the loss of uniform guessing', () => {
    const validations = jsonLines(trainOut).filter((e) => e.event === 'validation');
    expect(validations[0].nats as number).toBeGreaterThan(3.5);
    expect(validations.at(-1)!.nats as number).toBeLessThan(Math.log(65));
  });

  it('refuses to overwrite a run folder', async () => {
    const r = await runCli(['train', '--model', 'lstm', '--steps', '2', ...TINY, '--out', run]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already holds a run; continue it with --resume/);
  });
});

describe('inspect', () => {
  it('lists PyTorch state_dict names, shapes, dtypes, metadata and the parameter count', async () => {
    const r = await runCli(['inspect', checkpoint, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as {
      tensors: { name: string; dtype: string; shape: number[]; parameter: boolean }[];
      parameterCount: number;
      metadata: Record<string, string>;
    };
    const start = jsonLines(trainOut)[0];
    expect(report.parameterCount).toBe(start.parameters);
    const model = report.tensors.filter((t) => t.parameter);
    expect(model.every((t) => t.dtype === 'F32')).toBe(true);
    const names = model.map((t) => t.name);
    expect(names).toContain('embedding.weight');
    expect(names).toContain('head.weight');
    expect(names.some((n) => /weight_ih_l0$/.test(n))).toBe(true);
    expect(report.tensors.some((t) => t.name.startsWith('optimizer.state.'))).toBe(true);
    expect(JSON.parse(report.metadata.config)).toMatchObject({ kind: 'lstm' });
    expect(report.metadata.step).toBe('20');

    const text = await runCli(['inspect', checkpoint]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/parameters\s+[\d,]+ in \d+ tensors/);
    expect(text.stdout).toContain('embedding.weight');
  });
});

describe('eval', () => {
  it('reports validation loss in nats and bits per character', async () => {
    const r = await runCli(['eval', '--checkpoint', checkpoint, '--max-tokens', '2048', '--backend', 'cpu', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const e = JSON.parse(r.stdout) as { nats: number; bitsPerChar: number; tokens: number; data: string; seqLen: number };
    expect(e.data).toBe('tinyshakespeare');
    expect(e.seqLen).toBe(16);
    expect(e.tokens).toBe(2048);
    expect(e.bitsPerChar).toBeCloseTo(e.nats / Math.LN2, 10);
    expect(e.nats).toBeLessThan(Math.log(65));
    const text = await runCli(['eval', '--checkpoint', checkpoint, '--max-tokens', '2048', '--backend', 'cpu']);
    expect(text.stdout).toMatch(/validation loss \d\.\d{4} nats, \d\.\d{4} bits per character/);
  });
});

describe('generate', () => {
  it('streams the prompt and the sampled characters; the same seed gives the same text', async () => {
    const args = ['generate', '--checkpoint', checkpoint, '--prompt', 'ROMEO:', '--length', '40', '--seed', '3', '--backend', 'cpu'];
    const a = await runCli(args);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout.startsWith('ROMEO:')).toBe(true);
    expect(a.stdout.length).toBeGreaterThanOrEqual('ROMEO:'.length + 40);
    const b = await runCli([...args, '--json']);
    const sample = JSON.parse(b.stdout) as { prompt: string; text: string; length: number };
    expect(sample.length).toBe(40);
    expect(`${sample.prompt}${sample.text}\n`).toBe(a.stdout);
    const other = await runCli([...args.slice(0, -4), '--seed', '4', '--backend', 'cpu', '--json']);
    expect((JSON.parse(other.stdout) as { text: string }).text).not.toBe(sample.text);
  });

  it('rejects a prompt outside the vocabulary', async () => {
    const r = await runCli(['generate', '--checkpoint', checkpoint, '--prompt', 'naïve ☃', '--backend', 'cpu']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--prompt contains "ï", which is not in the model's vocabulary/);
  });
});

describe('resume', () => {
  // `auto` is the default backend: wasm wherever WebAssembly SIMD runs, as in Node 20.
  it.each([
    ['gru', 'cpu'],
    ['transformer', 'cpu'],
    ['lstm', 'auto'],
  ])('%s on --backend %s continues exactly: the same per-step losses as an uninterrupted run with the same seed', async (model, backend) => {
    const base = ['train', '--model', model, '--heads', '2', '--checkpoint-every', '7', ...TINY, '--backend', backend, '--json'];
    const whole = await runCli([...base, '--steps', '24', '--out', join(dir, `${model}-whole`)]);
    expect(whole.code, whole.stderr).toBe(0);
    const first = await runCli([...base, '--steps', '11', '--out', join(dir, `${model}-split`)]);
    expect(first.code, first.stderr).toBe(0);
    const second = await runCli([
      'train',
      '--resume',
      join(dir, `${model}-split`),
      '--steps',
      '24',
      '--checkpoint-every',
      '7',
      '--eval-every',
      '10',
      '--eval-tokens',
      '256',
      '--backend',
      backend,
      '--json',
    ]);
    expect(second.code, second.stderr).toBe(0);
    const active = backend === 'cpu' ? 'cpu' : 'wasm';
    expect(jsonLines(whole.stdout)[0]).toMatchObject({ event: 'start', backend: active });
    expect(jsonLines(second.stdout)[0]).toMatchObject({ event: 'start', step: 11, backend: active });
    const expected = stepLosses(whole.stdout);
    const resumed = new Map([...stepLosses(first.stdout), ...stepLosses(second.stdout)]);
    expect(resumed.size).toBe(24);
    for (const [step, loss] of expected) expect(resumed.get(step), `step ${step}`).toBe(loss);
  });

  it('refuses to change a run-defining setting when resuming', async () => {
    const r = await runCli(['train', '--resume', run, '--lr', '0.1', '--backend', 'cpu']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/drop --lr/);
  });
});
