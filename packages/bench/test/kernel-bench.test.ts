// The kernel benchmark's record from a tiny run: every library, backend, case and size has a row with finite
// fields, the JSON and Markdown files are written, and the targets are judged (structure only, never values).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkTargets,
  KERNEL_BENCH_CASES,
  LSTM_SHAPE,
  parseKernelBenchCases,
  renderKernelMarkdown,
  runKernelBenchmark,
  TRANSFORMER_SHAPE,
  writeKernelReport,
  type KernelBenchReport,
  type KernelBenchRow,
} from '../src/index.js';
import { TINY } from './tiny-kernel-bench.js';

describe('kernel benchmark (tiny run)', () => {
  it('gives one finite row per library, backend, case and size, and writes kernels.json and kernels.md', async () => {
    const report = await runKernelBenchmark({ ...TINY, tfjsCpu: true });
    const outDir = mkdtempSync(join(tmpdir(), 'seqlab-kernels-'));
    const files = writeKernelReport(report, outDir);
    const json = JSON.parse(readFileSync(files.json, 'utf8')) as KernelBenchReport;

    for (const key of ['date', 'node', 'platform', 'cpu', 'cores', 'loadAverage', 'seqlabWasm', 'tfjs']) expect(json.environment).toHaveProperty(key);
    expect(json.settings.cases).toEqual(KERNEL_BENCH_CASES);
    const tfjsInstalled = !('error' in json.environment.tfjs);

    const cases = ['matmul-nn', 'matmul-tn', 'matmul-nt', 'lstm-train-step', 'transformer-train-step'];
    const inferenceCases = ['lstm-forward', 'transformer-forward', 'matmul-forward'];
    expect([...new Set(json.results.map((r) => r.case))].sort()).toEqual([...cases, ...inferenceCases].sort());
    // The inference rows: seqlab wasm and onnxruntime-node (a dev dependency here) on 2 threads, side by side.
    expect(json.environment.onnxruntime).toEqual({ version: expect.stringMatching(/^\d+\.\d+/) });
    for (const c of inferenceCases) {
      const rows = json.results.filter((r) => r.case === c);
      expect(
        rows.map((r) => `${r.library} ${r.backend}`),
        c,
      ).toEqual(['seqlab wasm', 'onnxruntime cpu']);
      expect(rows[1].threads).toBe(2);
    }
    for (const c of cases) {
      const rows = json.results.filter((r) => r.case === c);
      const keys = rows.map((r) => `${r.library} ${r.backend} ${r.threads}`);
      expect(new Set(keys).size, `${c}: one row per contender`).toBe(keys.length);
      expect(rows.filter((r) => r.library === 'seqlab').map((r) => r.backend)).toEqual(expect.arrayContaining(['cpu', 'wasm']));
      if (tfjsInstalled)
        expect(
          rows.some((r) => r.library === 'tfjs' && r.backend === 'wasm'),
          `${c}: a TF.js wasm row`,
        ).toBe(true);
      if (tfjsInstalled && !c.startsWith('matmul'))
        expect(
          rows.some((r) => r.library === 'tfjs' && r.backend === 'cpu'),
          `${c}: a TF.js cpu row`,
        ).toBe(true);
    }

    for (const r of json.results as KernelBenchRow[]) {
      const where = `${r.library} ${r.backend} ${r.case}`;
      expect(typeof r.library, where).toBe('string');
      expect(Number.isInteger(r.threads) && r.threads >= 1, where).toBe(true);
      expect(r.runs, where).toBe(1);
      expect(r.note === null || typeof r.note === 'string', where).toBe(true);
      const metric = r.case.startsWith('matmul') ? r.gflops : r.tokensPerSec;
      expect(r.size, where).toBe(r.case.startsWith('matmul') ? 16 : 3);
      expect(Number.isFinite(metric) && (metric as number) > 0, `${where}: throughput ${String(metric)} (${String(r.note)})`).toBe(true);
      expect(Number.isFinite(r.medianMs) && (r.medianMs as number) > 0, where).toBe(true);
    }

    // Off the shapes and without size 512, every target is present and reported as not measured.
    expect(json.targets).toHaveLength(5);
    for (const t of json.targets) {
      expect(t.met).toBeNull();
      expect(t.measured).toMatch(/^not measured/);
    }
    const markdown = readFileSync(files.markdown, 'utf8');
    expect(markdown).toMatch(/## Matmul \(GFLOP\/s\)/);
    expect(markdown).toMatch(/## Training steps \(tokens\/s\)/);
    expect(markdown).toMatch(/## Inference \(forward only\)[\s\S]*\| lstm-forward \| 3 \| [\d,]+ \| [\d,]+ \| [\d.]+× \|/);
    expect(markdown).toMatch(/\| matmul-forward \| 16 \| [\d.]+ \| [\d.]+ \| [\d.]+× \|/);
    // Training rows stay out of the inference tables and the other way round.
    expect(markdown.split('## Inference')[0]).not.toMatch(/\| [a-z]+-forward \|/);
    expect(markdown).toMatch(/## Targets/);
  });

  it('runs only the cases asked for', async () => {
    const report = await runKernelBenchmark({ ...TINY, cases: ['lstm'], tfjs: false });
    expect([...new Set(report.results.map((r) => r.case))]).toEqual(['lstm-train-step']);
    expect(report.environment.tfjs).toHaveProperty('error');
  });
});

describe('kernel benchmark options and targets', () => {
  it('parses a case list and rejects an unknown case, naming the known ones', () => {
    expect(parseKernelBenchCases('transformer,matmul')).toEqual(['transformer', 'matmul']);
    expect(() => parseKernelBenchCases('matmul,gru')).toThrow(/unknown case 'gru'.*matmul, lstm, transformer/);
    expect(parseKernelBenchCases('inference')).toEqual(['inference']);
  });

  it('rejects bad sizes, runs and shapes with the option named', async () => {
    await expect(runKernelBenchmark({ sizes: [0] })).rejects.toThrow(/'sizes' must be an integer ≥ 1; received 0/);
    await expect(runKernelBenchmark({ runs: 1.5 })).rejects.toThrow(/'runs'/);
    await expect(runKernelBenchmark({ budgetSeconds: 0 })).rejects.toThrow(/'budgetSeconds'/);
    await expect(runKernelBenchmark({ transformer: { dModel: 6, heads: 4 } })).rejects.toThrow(/divisible/);
    await expect(runKernelBenchmark({ lstm: { hiddenSize: '8' as unknown as number } })).rejects.toThrow(
      /'lstm.hiddenSize' must be a positive integer; received 8/,
    );
    await expect(runKernelBenchmark({ transformer: { causal: 1 as unknown as boolean } })).rejects.toThrow(/'transformer.causal' must be a boolean/);
  });

  it('judges each target on the best seqlab row, at the issue shapes only', () => {
    const row = (library: string, backend: string, c: string, size: number, value: number): KernelBenchRow => ({
      library,
      backend,
      threads: 1,
      case: c,
      size,
      runs: 1,
      note: null,
      medianMs: 1,
      ...(c.startsWith('matmul') ? { gflops: value } : { tokensPerSec: value }),
    });
    const rows = [
      row('seqlab', 'cpu', 'matmul-nn', 512, 2),
      row('seqlab', 'wasm', 'matmul-nn', 512, 30),
      row('tfjs', 'wasm', 'matmul-nn', 512, 10),
      row('seqlab', 'wasm', 'matmul-tn', 512, 15),
      row('tfjs', 'wasm', 'matmul-tn', 512, 10),
      row('seqlab', 'wasm', 'lstm-train-step', 100, 12_000),
      row('seqlab', 'wasm', 'transformer-train-step', 100, 5_000),
    ];
    const [nn, tn, nt, lstm, block] = checkTargets(rows, LSTM_SHAPE, TRANSFORMER_SHAPE);
    expect([nn.value, nn.met]).toEqual([3, true]);
    expect([tn.value, tn.met]).toEqual([1.5, false]);
    expect(nt.met).toBeNull();
    expect([lstm.value, lstm.met]).toEqual([12_000, true]);
    expect([block.value, block.met]).toEqual([5_000, false]);
    expect(checkTargets(rows, { ...LSTM_SHAPE, length: 50 }, TRANSFORMER_SHAPE)[3].met).toBeNull();
  });
});

describe('kernel benchmark with the gpu backend (gpu: true)', () => {
  it('adds seqlab gpu rows, in Node from gpu.js webasm mode, and says in the report that it is a CPU mode', async () => {
    const report = await runKernelBenchmark({ ...TINY, cases: ['matmul', 'lstm'], gpu: true, tfjs: false });
    expect(report.environment.seqlabGpu).toMatchObject({ mode: 'webasm', software: true });
    const gpu = report.results.filter((r) => r.library === 'seqlab' && r.backend === 'gpu');
    expect(gpu.map((r) => r.case)).toEqual(['matmul-nn', 'matmul-tn', 'matmul-nt', 'lstm-train-step']);
    for (const r of gpu) {
      expect(r.note, r.case).toBeNull();
      expect(r.medianMs, r.case).toBeGreaterThan(0);
    }
    expect(renderKernelMarkdown(report)).toContain('seqlab gpu: gpu.js webasm mode (a CPU mode for correctness tests, not a GPU).');
  });
});
