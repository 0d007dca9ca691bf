// The README's training and sampling example is examples/readme.ts verbatim, and it runs and learns.
import { describe, expect, it } from 'vitest';
import { readmeExample } from '@seqlab/test-utils/suites';

describe('README example', () => {
  it('is examples/readme.ts verbatim, trains below the unigram entropy and samples deterministically', async () => {
    const { block, example } = readmeExample(import.meta.url, 'readme.ts');
    expect(block).toBe(example);
    type Example = { score: { nats: number; bitsPerToken: number }; unigram: number; sample: string; printed: Promise<void> };
    const mod = (await import('../examples/readme.js')) as Example;
    await mod.printed;
    expect(mod.score.nats).toBeLessThan(mod.unigram - 0.4);
    expect(mod.score.bitsPerToken).toBeCloseTo(mod.score.nats / Math.LN2, 12);
    expect([...mod.sample]).toHaveLength(80);
  }, 120_000);
});
