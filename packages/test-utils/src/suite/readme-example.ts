// Shared test helper for the README tests: a package README's first ```ts block and the example file it must equal.
import { requireNodeBuiltin } from '@seqlab/tensor-core';

/**
 * Reads `README.md` and `examples/<example>` of the package whose test directory holds `testFileUrl` (pass
 * `import.meta.url`); `block` is the README's first ```ts block, or undefined when it has none.
 */
export function readmeExample(testFileUrl: string, example: string): { block: string | undefined; example: string } {
  // Reached at call time, so that importing the suites in a browser (vitest browser mode) needs no Node built-in.
  const { readFileSync } = requireNodeBuiltin<typeof import('node:fs')>('node:fs', 'readmeExample');
  const readme = readFileSync(new URL('../README.md', testFileUrl), 'utf8');
  return {
    block: /```ts\n([\s\S]*?)```/.exec(readme)?.[1],
    example: readFileSync(new URL(`../examples/${example}`, testFileUrl), 'utf8'),
  };
}
