// The README's first example is examples/quickstart.ts verbatim, and running it prints what its comments say.
import { describe, expect, it, vi } from 'vitest';
import { readmeExample } from '@seqlab/test-utils/suites';

describe('README example', () => {
  it('is the code of examples/quickstart.ts', () => {
    const { block, example } = readmeExample(import.meta.url, 'quickstart.ts');
    expect(block).not.toBeUndefined();
    expect(block!.trim()).toBe(example.trim());
  });

  it('runs and prints the values its comments promise', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await import('../examples/quickstart.js');
      expect(log.mock.calls).toEqual([
        [1003854, 111540, 65],
        [
          [12, 64],
          [12, 64],
        ],
        [[32, 120], '0.1733'],
        [32, 32],
      ]);
    } finally {
      log.mockRestore();
    }
  });
});
