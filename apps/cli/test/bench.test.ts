// `seqlab experiment` and `seqlab bench kernels` on the built CLI, at their smallest sizes.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './run-cli.js';

describe('experiment', () => {
  it('lists the experiments', async () => {
    const r = await runCli(['experiment', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const names = (JSON.parse(r.stdout) as { experiments: { name: string; description: string }[] }).experiments.map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['speed', 'memory', 'gradients', 'copy']));
  });

  it('rejects an unknown experiment with status 2, naming the known ones', async () => {
    const r = await runCli(['experiment', 'telepathy']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown experiment 'telepathy'; the experiments are .*speed/);
  });

  it('runs an experiment and writes NAME.json, NAME.md and NAME.svg', async () => {
    const out = tempDir();
    const r = await runCli(['experiment', 'memory', '--size', 'test', '--out', out, '--backend', 'cpu', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const printed = JSON.parse(r.stdout) as { experiment: string; environment: { backend: string }; files: { json: string } };
    expect(printed.experiment).toBe('memory');
    expect(printed.environment.backend).toBe('cpu');
    for (const ext of ['json', 'md', 'svg']) expect(existsSync(join(out, `memory.${ext}`))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'memory.json'), 'utf8'))).toMatchObject({ experiment: 'memory', size: 'test' });
  });
});

describe('bench kernels', () => {
  it('times matmul per backend and prints one JSON object', async () => {
    const out = tempDir();
    const r = await runCli(['bench', 'kernels', '--cases', 'matmul', '--sizes', '32', '--runs', '1', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as {
      environment: { cores: number };
      results: { library: string; backend: string; case: string; size: number; gflops: number }[];
      targets: unknown[];
    };
    const cpu = report.results.filter((row) => row.library === 'seqlab' && row.backend === 'cpu');
    expect(cpu.map((row) => row.case).sort()).toEqual(['matmul-nn', 'matmul-nt', 'matmul-tn']);
    for (const row of report.results) expect(row.gflops).toBeGreaterThan(0);
    expect(report.targets.length).toBeGreaterThan(0);
    expect(existsSync(join(out, 'kernels.json'))).toBe(true);
    expect(existsSync(join(out, 'kernels.md'))).toBe(true);
  });

  it('rejects an unknown case with status 2, naming the known ones', async () => {
    const r = await runCli(['bench', 'kernels', '--cases', 'matmul,gru']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown case 'gru'.*matmul, lstm, transformer/);
  });

  it('rejects a malformed size list', async () => {
    const r = await runCli(['bench', 'kernels', '--sizes', '128;256']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--sizes must be a comma-separated list/);
  });
});
