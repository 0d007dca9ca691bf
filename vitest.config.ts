import { readdirSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// Tests import packages by name; resolve them to sources so tests never depend on stale builds. A subpath entry
// (`@seqlab/test-utils/suites`) resolves to the source file of that name.
const alias: { find: RegExp; replacement: string }[] = [];
for (const dir of readdirSync(resolve(import.meta.dirname, 'packages'))) {
  const entry = resolve(import.meta.dirname, 'packages', dir, 'src/index.ts');
  if (existsSync(entry)) alias.push({ find: new RegExp(`^@seqlab/${dir}$`), replacement: entry });
}
alias.push({ find: /^@seqlab\/([a-z-]+)\/([a-z-]+)$/, replacement: resolve(import.meta.dirname, 'packages/$1/src/$2.ts') });

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['packages/*/{src,test}/**/*.test.ts', 'apps/*/{src,test}/**/*.test.ts', 'test/**/*.test.ts', 'docs/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
    pool: 'forks',
    // Memory tests force a collection so the GC safety net frees CPU storage before counting.
    execArgv: ['--expose-gc'],
  },
});
