// The README's training example is examples/training.ts verbatim, and it trains (in gpu.js's webasm mode in Node).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('README training example', () => {
  it('is examples/training.ts verbatim, and its loss falls step by step', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL('../examples/training.ts', import.meta.url), 'utf8');
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks).toContain(example);
    const { losses } = (await import('../examples/training.js')) as { losses: number[] };
    expect(losses).toHaveLength(5);
    for (let i = 1; i < 5; i++) expect(losses[i]).toBeLessThan(losses[i - 1]);
  });
});
