// Shared test helper for the README tests: a package README's first ```ts block and the example file it must equal.
import { readFileSync } from 'node:fs';

/**
 * Reads `README.md` and `examples/<example>` of the package whose test directory holds `testFileUrl` (pass
 * `import.meta.url`); `block` is the README's first ```ts block, or undefined when it has none.
 */
export function readmeExample(testFileUrl: string, example: string): { block: string | undefined; example: string } {
  const readme = readFileSync(new URL('../README.md', testFileUrl), 'utf8');
  return {
    block: /```ts\n([\s\S]*?)```/.exec(readme)?.[1],
    example: readFileSync(new URL(`../examples/${example}`, testFileUrl), 'utf8'),
  };
}
