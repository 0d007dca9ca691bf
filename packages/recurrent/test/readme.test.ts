// The README's training and sampling example is examples/readme.ts verbatim, and it runs and learns.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('README example', () => {
  it('is examples/readme.ts verbatim, trains below the unigram entropy and samples deterministically', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL('../examples/readme.ts', import.meta.url), 'utf8');
    expect(/```ts\n([\s\S]*?)```/.exec(readme)?.[1]).toBe(example);
    const mod = (await import('../examples/readme.js')) as { score: { nats: number; bitsPerChar: number }; unigram: number; sample: string };
    expect(mod.score.nats).toBeLessThan(mod.unigram - 0.4);
    expect(mod.score.bitsPerChar).toBeCloseTo(mod.score.nats / Math.LN2, 12);
    expect([...mod.sample]).toHaveLength(80);
  }, 120_000);
});
