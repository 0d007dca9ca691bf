// The packages as users get them: each is packed with `pnpm pack`, the tarballs are installed with npm into a blank
// project, and every README's first example runs there as ESM, as CommonJS, and type-checks against the packed types.
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const run = promisify(execFile);

/** Packed size limits in bytes. datasets ships tiny-shakespeare (about 470 kB packed as gzip+base64) once. */
/**
 * Packages over the default limit: datasets ships the corpus; kernels-wasm embeds two kernel builds (plain SIMD and
 * relaxed-SIMD FMA, about 80 kB of base64 each) in both its ESM and its CJS build.
 */
const SIZE_LIMIT: Record<string, number> = { '@seqlab/datasets': 600_000, '@seqlab/kernels-wasm': 300_000 };
/** Every other package: the largest packs to about 120 kB today; one inlined copy of its sources would pass this. */
const DEFAULT_SIZE_LIMIT = 200_000;
/** Per-test limit for the steps that run Node or tsc: generous, since CI runs this file beside every other test file. */
const SLOW = 240_000;
/** Node-only packages (the charts' Vega build, the command line): not bundled for browsers. */
const NODE_ONLY = new Set(['@seqlab/bench', '@seqlab/cli']);
/** The first characters of the embedded corpus (gzip magic, then deflate data). */
const CORPUS_MARK = 'H4sIAAAAAAACA4SdSXMcV7Ks9';

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  exports?: unknown;
  bin?: Record<string, string>;
  [field: string]: unknown;
}

/** The part of esbuild's `build` this test uses (esbuild is installed in the blank project, not in the workspace root). */
type EsbuildBuild = (options: object) => Promise<{ outputFiles: Array<{ text: string }>; warnings: Array<{ text: string }> }>;

interface Packed {
  dir: string;
  manifest: Manifest;
  tarball: string;
  files: string[];
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Every package of the workspace that is published (not private), with its folder relative to the root. */
function publishable(): Array<{ dir: string; manifest: Manifest }> {
  return ['packages', 'apps']
    .flatMap((group) => readdirSync(join(ROOT, group)).map((name) => `${group}/${name}`))
    .filter((dir) => statSync(join(ROOT, dir, 'package.json'), { throwIfNoEntry: false })?.isFile())
    .map((dir) => ({ dir, manifest: readJson<Manifest>(join(ROOT, dir, 'package.json')) }))
    .filter(({ manifest }) => manifest.private !== true);
}

/** A README's fenced code blocks, in order: language and body. */
function codeBlocks(readme: string): Array<{ lang: string; body: string }> {
  return [...readme.matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)].map((m) => ({ lang: m[1], body: m[2] }));
}

/** The packages a piece of code imports (`@scope/name` or `name`), Node built-ins left out. */
function importedPackages(code: string): Set<string> {
  const specifiers = [...code.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
  const names = specifiers
    .filter((s) => !isBuiltin(s))
    .map((s) =>
      s
        .split('/')
        .slice(0, s.startsWith('@') ? 2 : 1)
        .join('/'),
    );
  return new Set(names);
}

/** True when the package has no CommonJS entry (its exports carry no `require` condition). */
function esmOnly(manifest: Manifest): boolean {
  return !JSON.stringify(manifest.exports ?? {}).includes('"require"');
}

function transpile(code: string, module: ts.ModuleKind): string {
  return ts.transpileModule(code, { compilerOptions: { module, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
}

/**
 * The example as CommonJS: TypeScript's CommonJS output inside an async function (so top-level `await` still works),
 * where each import of an ESM-only package becomes `await import(...)`, the one way CommonJS can load it.
 */
function asCommonJs(code: string, esmOnlyPackages: string[]): string {
  let out = transpile(code, ts.ModuleKind.CommonJS);
  for (const name of esmOnlyPackages) out = out.replaceAll(`require("${name}")`, `(await import("${name}"))`);
  return `(async () => {\n${out}\n})().catch((e) => {\n  console.error(e);\n  process.exitCode = 1;\n});\n`;
}

let work: string;
let project: string;
const packed = new Map<string, Packed>();

function node(args: string[], timeout = SLOW - 10_000): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, args, { cwd: project, encoding: 'utf8', timeout });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

function installed(name: string, ...path: string[]): string {
  return join(project, 'node_modules', name, ...path);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'seqlab-tarballs-'));
  const tarballs = join(work, 'tarballs');
  project = join(work, 'project');
  mkdirSync(project, { recursive: true });
  await Promise.all(
    publishable().map(async ({ dir, manifest }) => {
      const { stdout } = await run('pnpm', ['pack', '--json', '--pack-destination', tarballs], { cwd: join(ROOT, dir) });
      const result = JSON.parse(stdout) as { filename: string; files: Array<{ path: string }> };
      packed.set(manifest.name, { dir, manifest, tarball: result.filename, files: result.files.map((f) => f.path) });
    }),
  );
  const rootManifest = readJson<{ devDependencies: Record<string, string> }>(join(ROOT, 'package.json'));
  const utilsManifest = readJson<{ devDependencies: Record<string, string> }>(join(ROOT, 'packages/test-utils/package.json'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'blank', version: '1.0.0', private: true }, null, 2));
  const tools = [`@types/node@${rootManifest.devDependencies['@types/node']}`, `esbuild@${utilsManifest.devDependencies.esbuild}`];
  // Third-party packages that a README's install line names (onnxruntime-node for @seqlab/onnx), at the workspace's pinned versions.
  for (const { dir, manifest } of publishable()) {
    const line = codeBlocks(readFileSync(join(ROOT, dir, 'README.md'), 'utf8')).find((b) => b.lang === 'sh')?.body ?? '';
    const pinned = { ...(manifest.dependencies as Record<string, string>), ...(manifest.devDependencies as Record<string, string>) };
    for (const word of line.trim().split(/\s+/).slice(2)) {
      if (!word.startsWith('@seqlab/') && pinned[word] !== undefined) tools.push(`${word}@${pinned[word]}`);
    }
  }
  // --ignore-scripts: onnxruntime-node's install script fetches optional GPU libraries; its CPU binaries ship in the package.
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', ...[...packed.values()].map((p) => p.tarball), ...tools], {
    cwd: project,
  });
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('packed tarballs', () => {
  it('every tarball holds the root LICENSE (MIT), and its manifest says MIT', () => {
    const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) 2026 the seqlab authors\n/);
    expect(packed.size).toBeGreaterThanOrEqual(8);
    for (const [name, p] of packed) {
      expect(p.files, name).toContain('LICENSE');
      expect(readFileSync(installed(name, 'LICENSE'), 'utf8'), name).toBe(license);
      expect(p.manifest.license, name).toBe('MIT');
    }
  });

  it('hold no sourcemaps and stay under their size limits', () => {
    for (const [name, p] of packed) {
      expect(
        p.files.filter((f) => f.endsWith('.map')),
        name,
      ).toEqual([]);
      expect(statSync(p.tarball).size, name).toBeLessThan(SIZE_LIMIT[name] ?? DEFAULT_SIZE_LIMIT);
    }
  });

  it('@seqlab/datasets holds the corpus once, in one file that its ESM and CJS builds share', () => {
    const holders = packed.get('@seqlab/datasets')!.files.filter((f) => readFileSync(installed('@seqlab/datasets', f), 'utf8').includes(CORPUS_MARK));
    expect(holders).toEqual(['dist/tinyshakespeare.data.cjs']);
  });

  it('publish complete metadata, and no scripts or devDependencies (they name files the tarball does not hold)', () => {
    const root = readJson<Manifest>(join(ROOT, 'package.json'));
    for (const [name, p] of packed) {
      const published = readJson<Manifest>(installed(name, 'package.json'));
      expect(published.description, name).toMatch(/\w{3}/);
      expect(published.author, name).toBe('the seqlab authors');
      expect((published.keywords as string[]).length, name).toBeGreaterThanOrEqual(3);
      expect(published.engines, name).toEqual({ node: '>=20.19' });
      expect(published.scripts, name).toBeUndefined();
      expect(published.devDependencies, name).toBeUndefined();
      expect(JSON.stringify(published), name).not.toContain('workspace:');
      // The project has no public address yet: a package names one exactly when the root does, with its folder.
      const repository = root.repository === undefined ? undefined : { ...(root.repository as object), directory: p.dir };
      expect(published.repository, name).toEqual(repository);
      expect(published.homepage, name).toBe(root.homepage);
      expect(published.bugs, name).toEqual(root.bugs);
    }
  });
});

describe('README first examples, from the installed tarballs', () => {
  const libraries = publishable().filter(({ manifest }) => manifest.bin === undefined);
  const examples = libraries.map(({ dir, manifest }) => {
    const blocks = codeBlocks(readFileSync(join(ROOT, dir, 'README.md'), 'utf8'));
    const example = blocks.find((b) => b.lang === 'ts')?.body ?? '';
    return { name: manifest.name, folder: dir.split('/')[1], blocks, example };
  });

  beforeAll(() => {
    const esmOnlyPackages = [...packed.values()].filter((p) => esmOnly(p.manifest)).map((p) => p.manifest.name);
    for (const { folder, example } of examples) {
      const dir = join(project, 'examples', folder);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'example.mts'), example);
      writeFileSync(join(dir, 'example.mjs'), transpile(example, ts.ModuleKind.ESNext));
      writeFileSync(join(dir, 'example.cjs'), asCommonJs(example, esmOnlyPackages));
    }
  });

  it.each(examples.map((e) => [e.name, e] as const))('%s: README opens with the install line for exactly what its example imports', (name, e) => {
    expect(e.blocks[0]?.lang, name).toBe('sh');
    expect(e.blocks[0].body.trim().split('\n'), name).toHaveLength(1);
    const words = e.blocks[0].body.trim().split(/\s+/);
    expect(words.slice(0, 3), name).toEqual(['npm', 'install', name]);
    expect(e.example, name).not.toBe('');
    expect(new Set(words.slice(2)), name).toEqual(importedPackages(e.example));
  });

  it.each(examples.map((e) => [e.name, e.folder] as const))(
    '%s: the example runs as ESM',
    (name, folder) => {
      const r = node([join('examples', folder, 'example.mjs')]);
      expect(r.status, r.output).toBe(0);
    },
    SLOW,
  );

  it.each(examples.map((e) => [e.name, e.folder] as const))(
    '%s: the example runs as CommonJS',
    (name, folder) => {
      const r = node([join('examples', folder, 'example.cjs')]);
      expect(r.status, r.output).toBe(0);
    },
    SLOW,
  );

  it(
    'every example type-checks against the packed types, and the CommonJS types resolve',
    () => {
      for (const p of packed.values()) {
        if (p.manifest.bin !== undefined || esmOnly(p.manifest)) continue;
        const probe = `import * as lib from '${p.manifest.name}';\nexport const names: string[] = Object.keys(lib);\n`;
        writeFileSync(join(project, 'examples', `${p.dir.split('/')[1]}.cts`), probe);
      }
      const compilerOptions = { module: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] };
      writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['examples/**/*.mts', 'examples/*.cts'] }));
      const r = node([createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', 'tsconfig.json']);
      expect(r.output.trim()).toBe('');
      expect(r.status).toBe(0);
    },
    SLOW,
  );

  it(
    'library packages bundle for browsers with no Node built-ins',
    async () => {
      const { build } = createRequire(join(project, 'package.json'))('esbuild') as { build: EsbuildBuild };
      for (const name of libraries.map((l) => l.manifest.name).filter((n) => !NODE_ONLY.has(n))) {
        const result = await build({
          stdin: { contents: `export * from '${name}';`, resolveDir: project },
          bundle: true,
          platform: 'browser',
          format: 'esm',
          write: false,
          logLevel: 'silent',
        });
        // A Node built-in import would fail the build ("Could not resolve"); a guarded require() would be a warning.
        expect(
          result.warnings.map((w) => w.text),
          name,
        ).toEqual([]);
        expect(result.outputFiles[0].text.length, name).toBeGreaterThan(1000);
        if (name === '@seqlab/datasets') expect(result.outputFiles[0].text).toContain(CORPUS_MARK);
      }
    },
    SLOW,
  );
});

describe('the seqlab command, from the installed tarball', () => {
  it(
    'README opens with its global install line; the installed command prints its version and knows every command shown',
    () => {
      const { manifest, dir } = packed.get('@seqlab/cli')!;
      const [first] = codeBlocks(readFileSync(join(ROOT, dir, 'README.md'), 'utf8'));
      const lines = first.body.trim().split('\n');
      expect(first.lang).toBe('sh');
      expect(lines[0]).toBe('npm install --global @seqlab/cli');
      const bin = installed('@seqlab/cli', manifest.bin!.seqlab);
      const version = node([bin, '--version']);
      expect(version.status, version.output).toBe(0);
      expect(version.output).toContain(manifest.version);
      for (const line of lines.slice(1)) {
        const [command, sub] = line.split(/\s+/);
        expect(command).toBe('seqlab');
        const help = node([bin, sub, '--help']);
        expect(help.status, help.output).toBe(0);
      }
    },
    SLOW,
  );
});
