// The README's example is examples/readme.ts verbatim, and it runs (in gpu.js's webasm mode in Node).
import { describe, expect, it } from 'vitest';
import { readmeExample } from '@seqlab/test-utils/suites';

describe('README example', () => {
  it('is examples/readme.ts verbatim, and runs', async () => {
    const { block, example } = readmeExample(import.meta.url, 'readme.ts');
    expect(block).toBe(example);
    const mod = await import('../examples/readme.js');
    const expected = [0, 0, 0, 3, 3, 3].map(Math.tanh);
    Array.from(mod.values as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
  });
});
