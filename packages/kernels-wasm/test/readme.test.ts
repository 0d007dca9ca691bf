// The README's example is examples/readme.ts verbatim, and it runs.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('README example', () => {
  it('is examples/readme.ts verbatim, and runs', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL('../examples/readme.ts', import.meta.url), 'utf8');
    expect(/```ts\n([\s\S]*?)```/.exec(readme)?.[1]).toBe(example);
    const mod = await import('../examples/readme.js');
    expect(mod.probs.shape).toEqual([512, 256]);
    expect(mod.probs.backendName).toBe('wasm');
    const row = (mod.probs.toArray() as number[][])[0];
    expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(mod.w.shape).toEqual([256, 512]);
  });
});
