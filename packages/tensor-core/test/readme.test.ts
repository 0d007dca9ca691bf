// The README's first code block is examples/readme.ts verbatim, and it runs.
import { describe, expect, it } from 'vitest';
import { readmeExample } from '@seqlab/test-utils/suites';

describe('README example', () => {
  it('is examples/readme.ts verbatim, and runs', async () => {
    const { block: firstBlock, example } = readmeExample(import.meta.url, 'readme.ts');
    expect(firstBlock).toBe(example);
    const mod = await import('../examples/readme.js');
    expect(mod.probs.shape).toEqual([2, 4]);
    const sums = (mod.probs.toArray() as number[][]).map((r) => r.reduce((a, b) => a + b, 0));
    for (const s of sums) expect(s).toBeCloseTo(1, 5);
    expect(mod.tensors.weight.shape).toEqual([3, 4]);
  });
});
