// The README's first example is examples/quickstart.ts verbatim, and running it prints what its comments say.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

describe('README example', () => {
  it('is the code of examples/quickstart.ts', () => {
    const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
    const block = /```ts\n([\s\S]*?)```/.exec(readme);
    expect(block).not.toBeNull();
    expect(block![1].trim()).toBe(readFileSync(resolve(root, 'examples/quickstart.ts'), 'utf8').trim());
  });

  it('runs and prints the values its comments promise', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await import('../examples/quickstart.js');
      expect(log.mock.calls).toEqual([
        [1003854, 111540, 65],
        [[12, 64], [12, 64]],
        [[32, 120], '0.1733'],
        [32, 32],
      ]);
    } finally {
      log.mockRestore();
    }
  });
});
