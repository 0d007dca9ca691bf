import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('README example', () => {
  it('is examples/readme.ts verbatim, and runs', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL('../examples/readme.ts', import.meta.url), 'utf8');
    expect(/```ts\n([\s\S]*?)```/.exec(readme)?.[1]).toBe(example);
    const mod = await import('../examples/readme.js');
    expect(mod.files?.svg).toMatch(/memory\.svg$/);
    expect(mod.result.measurements.exponents.map((e: { model: string }) => e.model)).toEqual(['LSTM', 'Transformer', 'Transformer (composed attention)']);
  });

  it('the kernel-benchmark example is examples/kernel-bench.ts verbatim, and runs', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL('../examples/kernel-bench.ts', import.meta.url), 'utf8');
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks).toContain(example);
    const mod = await import('../examples/kernel-bench.js');
    expect(mod.files.json).toMatch(/kernels\.json$/);
    expect(new Set(mod.report.results.map((r: { case: string }) => r.case))).toEqual(new Set(['matmul-nn', 'matmul-tn', 'matmul-nt']));
  });
});
