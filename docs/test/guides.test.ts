// Runs every ```ts block of the guide pages (get started, tutorials, guides): a throw or a failed console.assert fails.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLES_DIR, guidePages, ROOT, runCapturingAsserts, tsBlocks, writeGuideModules } from './extract.js';

describe('guide pages', () => {
  for (const page of guidePages()) {
    const modules = writeGuideModules(page);
    it.skipIf(modules.run === null)(`${page} runs as written`, async () => {
      expect(await runCapturingAsserts(modules.run!)).toEqual([]);
    });
  }

  it('every runnable page has at least one checked result', () => {
    const unchecked = guidePages().filter((page) => {
      const blocks = tsBlocks(readFileSync(join(ROOT, page), 'utf8'));
      const run = blocks.filter((b) => !b.flags.includes('no-run'));
      return run.length > 0 && !run.some((b) => b.code.includes('console.assert('));
    });
    expect(unchecked).toEqual([]);
  });
});

describe('the example runner', () => {
  const page = 'docs/test-wrong-example.md';
  const wrong = ['# wrong', '```ts', 'const two = 1 + 1;', 'console.assert(two === 3, `expected 3, got ${two}`);', '```', ''].join('\n');

  it('fails a page whose example asserts something false', async () => {
    const modules = writeGuideModules(page, wrong);
    expect(await runCapturingAsserts(modules.run!)).toEqual(['expected 3, got 2']);
  });

  it('fails a page whose example throws', async () => {
    const modules = writeGuideModules('docs/test-throwing-example.md', wrong.replace('console.assert', 'throw new Error("boom"); console.assert'));
    await expect(runCapturingAsserts(modules.run!)).rejects.toThrow('boom');
  });

  it('keeps no-run blocks out of the run and writes them for the type check', () => {
    const modules = writeGuideModules(page, '```ts no-run\nawait fetch("x");\n```\n');
    expect(modules.run).toBeNull();
    expect(modules.typeOnly).toEqual([join(EXAMPLES_DIR, 'guides', 'test-wrong-example.norun1.ts')]);
    rmSync(modules.typeOnly[0]);
  });
});
