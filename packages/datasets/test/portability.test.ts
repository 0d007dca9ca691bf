// Browser bundles must not break: library sources import no Node built-in statically, and never use Math.random.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('library sources', () => {
  const files = sources(src);

  it('import no Node built-in statically (node:fs is loaded on demand by loadTextFile only)', () => {
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/from\s+['"](node:|fs['"]|path['"]|crypto['"]|os['"])/);
      expect(text, file).not.toMatch(/require\(/);
    }
  });

  it('draw randomness only from seeded Generators', () => {
    for (const file of files) expect(readFileSync(file, 'utf8'), file).not.toMatch(/Math\.random/);
  });
});
