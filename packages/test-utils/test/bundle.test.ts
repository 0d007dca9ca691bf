// The checks the browser bundle tests rely on catch what they must: Node built-ins in esbuild bundles and in Vite builds.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleForBrowser, nodeBuiltinReferences, viteBuildPage } from '@seqlab/test-utils';

// Imports 'path' statically and 'node:fs/promises' lazily, as autograd's checkpoint file helpers once did.
const nodeOnly = fileURLToPath(new URL('./fixtures/node-only.js', import.meta.url));

describe('bundleForBrowser', () => {
  it('fails on a module that imports Node built-ins, statically or lazily', async () => {
    await expect(bundleForBrowser(nodeOnly)).rejects.toThrow(/Could not resolve "path"[\s\S]*Could not resolve "node:fs\/promises"/);
  });

  it('resolves bare imports to the files given', async () => {
    const { code, externalImports } = await bundleForBrowser(fileURLToPath(new URL('./fixtures/uses-alias.js', import.meta.url)), {
      resolve: { '@fixture/answer': fileURLToPath(new URL('./fixtures/answer.js', import.meta.url)) },
    });
    expect(externalImports).toEqual([]);
    expect(code).toContain('forty-two');
  });
});

describe('nodeBuiltinReferences', () => {
  it('names external imports and require()/import() calls of built-ins, not module names held in strings', () => {
    const bundle = {
      code: 'const fs = require("fs"); const os = await import(`node:os`); const p = process.getBuiltinModule("node:path"); require("./local.js");',
      externalImports: ['node:worker_threads', 'child_process'],
    };
    expect(nodeBuiltinReferences(bundle)).toEqual(['child_process', 'fs', 'node:os', 'node:worker_threads']);
  });

  it('is empty for code without them', () => {
    expect(nodeBuiltinReferences({ code: 'export const x = require("./x.js");', externalImports: [] })).toEqual([]);
  });
});

describe('viteBuildPage', () => {
  it("reports Vite's 'externalized for browser compatibility' warnings for a module importing Node built-ins", async () => {
    const main = "import { readText } from '@fixture/node-only';\nconsole.log(readText);\n";
    const { warnings, wroteHtml } = await viteBuildPage(main, { '@fixture/node-only': nodeOnly });
    expect(wroteHtml).toBe(true);
    expect(warnings.join('\n')).toMatch(/Module "path" has been externalized for browser compatibility/);
  });
});
