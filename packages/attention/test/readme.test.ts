// The README's example is examples/readme.ts verbatim, and it runs: attention shapes, training progress, streamed sample.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('README example', () => {
  it('is examples/readme.ts verbatim, and runs', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL('../examples/readme.ts', import.meta.url), 'utf8');
    expect(/```ts\n([\s\S]*?)```/.exec(readme)?.[1]).toBe(example);
    const mod = await import('../examples/readme.js');
    expect(mod.output.shape).toEqual([2, 6, 16]);
    expect(mod.weights.shape).toEqual([2, 4, 6, 6]);
    expect(mod.after.bitsPerToken).toBeLessThan(mod.before.bitsPerToken / 2);
    expect(mod.sample).toHaveLength(40);
  });
});
