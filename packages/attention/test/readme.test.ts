// The README's example is examples/readme.ts verbatim, and it runs: attention shapes, training progress, streamed sample.
import { describe, expect, it } from 'vitest';
import { readmeExample } from '@seqlab/test-utils/suites';

describe('README example', () => {
  it('is examples/readme.ts verbatim, and runs', async () => {
    const { block, example } = readmeExample(import.meta.url, 'readme.ts');
    expect(block).toBe(example);
    const mod = await import('../examples/readme.js');
    expect(mod.output.shape).toEqual([2, 6, 16]);
    expect(mod.weights.shape).toEqual([2, 4, 6, 6]);
    expect(mod.after.bitsPerToken).toBeLessThan(mod.before.bitsPerToken / 2);
    expect(mod.sample).toHaveLength(40);
    expect(await mod.streamed).toBe(mod.sample);
  });
});
