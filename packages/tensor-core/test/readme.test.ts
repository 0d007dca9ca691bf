import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('README example', () => {
  it('is examples/readme.ts verbatim, and runs', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL('../examples/readme.ts', import.meta.url), 'utf8');
    const firstBlock = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(firstBlock).toBe(example);
    const mod = await import('../examples/readme.js');
    expect(mod.probs.shape).toEqual([2, 4]);
    const sums = (mod.probs.toArray() as number[][]).map((r) => r.reduce((a, b) => a + b, 0));
    for (const s of sums) expect(s).toBeCloseTo(1, 5);
    expect(mod.tensors.weight.shape).toEqual([3, 4]);
  });
});
