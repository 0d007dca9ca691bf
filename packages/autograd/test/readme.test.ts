// The README's first code block is examples/training-loop.ts verbatim, and running it trains XOR.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('README training loop', () => {
  it('is the example file, verbatim', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = /```ts\n([\s\S]*?)```/.exec(readme);
    expect(block).not.toBeNull();
    const example = readFileSync(new URL('../examples/training-loop.ts', import.meta.url), 'utf8');
    expect(block![1]).toBe(example);
  });

  it('runs and learns XOR', async () => {
    const { finalLoss, predictions } = await import('../examples/training-loop.js');
    expect(finalLoss).toBeLessThan(0.05);
    expect(predictions).toEqual([0, 1, 1, 0]);
  });
});
