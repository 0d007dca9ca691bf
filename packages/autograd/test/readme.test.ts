// The README's first code block is examples/training-loop.ts verbatim, and running it trains XOR.
import { describe, expect, it } from 'vitest';
import { readmeExample } from '@seqlab/test-utils/suites';

describe('README training loop', () => {
  it('is the example file, verbatim', () => {
    const { block, example } = readmeExample(import.meta.url, 'training-loop.ts');
    expect(block).not.toBeUndefined();
    expect(block).toBe(example);
  });

  it('runs and learns XOR', async () => {
    const { finalLoss, predictions } = await import('../examples/training-loop.js');
    expect(finalLoss).toBeLessThan(0.05);
    expect(predictions).toEqual([0, 1, 1, 0]);
  });
});
