// Extraction of the docs' code: ```ts blocks of the guide pages and @example blocks of the packages' TSDoc.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Repository root. */
export const ROOT = resolve(import.meta.dirname, '../..');

/** Published packages, in the order their exports are searched for a name an example uses. */
export const PACKAGES = ['tensor-core', 'autograd', 'datasets', 'recurrent', 'attention', 'kernels-wasm', 'kernels-gpu', 'onnx', 'bench'];

/** One fenced code block. */
export interface CodeBlock {
  /** The block's text. */
  readonly code: string;
  /** Words after the language in the info string (`no-run`, ...). */
  readonly flags: readonly string[];
  /** 1-based line of the opening fence. */
  readonly line: number;
}

/** The guide pages whose ```ts blocks are run: get started, tutorials and guides. */
export function guidePages(): string[] {
  const dir = (d: string) =>
    readdirSync(join(ROOT, d))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `${d}/${f}`);
  return ['docs/get-started.md', ...dir('docs/tutorials'), ...dir('docs/guides')].sort();
}

/** The ```ts (or ```typescript) blocks of a Markdown text, in order. */
export function tsBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(ts|typescript)\b(.*)$/.exec(lines[i]);
    if (!open) continue;
    const indent = open[1].length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]); j++) body.push(lines[j].slice(indent));
    blocks.push({ code: body.join('\n'), flags: open[3].trim().split(/\s+/).filter(Boolean), line: i + 1 });
    i = j;
  }
  return blocks;
}

/** An `@example` of an exported declaration's TSDoc. */
export interface ApiExample extends CodeBlock {
  /** The package folder name (`tensor-core`, ...). */
  readonly pkg: string;
  /** Source file relative to the repository root. */
  readonly file: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every ```ts block that follows an `@example` tag in the TSDoc of the published packages' sources. */
export function apiExamples(packages: readonly string[]): ApiExample[] {
  const out: ApiExample[] = [];
  for (const pkg of packages) {
    for (const path of sourceFiles(join(ROOT, 'packages', pkg, 'src'))) {
      const text = readFileSync(path, 'utf8');
      for (const comment of text.matchAll(/\/\*\*([\s\S]*?)\*\//g)) {
        const start = text.slice(0, comment.index).split('\n').length;
        const body = comment[1].split('\n').map((l) => l.replace(/^\s*\* ?/, ''));
        const at = body.findIndex((l) => l.startsWith('@example'));
        if (at < 0) continue;
        for (const block of tsBlocks(body.slice(at).join('\n'))) {
          out.push({ ...block, line: start + at + block.line - 1, pkg, file: relative(ROOT, path) });
        }
      }
    }
  }
  return out;
}

/** Where extracted examples are written (gitignored). */
export const EXAMPLES_DIR = join(ROOT, 'docs/.examples');

/** A guide page turned into modules: its runnable blocks in one module, each `no-run` block in its own after them. */
export interface GuideModules {
  readonly page: string;
  /** The runnable blocks, concatenated in page order (later blocks continue earlier ones); null if none. */
  readonly run: string | null;
  /** Files of the `no-run` blocks, which are only type-checked. */
  readonly typeOnly: readonly string[];
}

/** Writes a page's blocks as modules under {@link EXAMPLES_DIR}/guides. */
export function writeGuideModules(page: string, markdown = readFileSync(join(ROOT, page), 'utf8')): GuideModules {
  const dir = join(EXAMPLES_DIR, 'guides');
  mkdirSync(dir, { recursive: true });
  const base = page
    .replace(/^docs\//, '')
    .replace(/\.md$/, '')
    .replace(/[/.]/g, '_');
  const blocks = tsBlocks(markdown);
  const header = (line: number) => `// ${page}:${line}\n`;
  const runnable = blocks.filter((b) => !b.flags.includes('no-run'));
  let run: string | null = null;
  if (runnable.length > 0) {
    run = join(dir, `${base}.ts`);
    writeFileSync(run, `${runnable.map((b) => header(b.line) + b.code).join('\n')}\nexport {};\n`);
  }
  const typeOnly = blocks
    .filter((b) => b.flags.includes('no-run'))
    .map((b) => {
      const file = join(dir, `${base}.norun${b.line}.ts`);
      // Type-checked after the page's runnable blocks, which it may continue.
      writeFileSync(file, `${runnable.map((r) => header(r.line) + r.code).join('\n')}\n${header(b.line)}${b.code}\nexport {};\n`);
      return file;
    });
  return { page, run, typeOnly };
}

/**
 * Imports a module and returns the messages of the `console.assert` calls that failed while it ran (a throw
 * propagates).
 */
export async function runCapturingAsserts(file: string): Promise<string[]> {
  const failed: string[] = [];
  const original = console.assert;
  console.assert = (condition?: boolean, ...data: unknown[]) => {
    if (!condition) failed.push(data.map(String).join(' ') || 'console.assert failed');
  };
  try {
    await import(/* @vite-ignore */ `${pathToFileURL(file).href}?t=${Date.now()}`);
  } finally {
    console.assert = original;
  }
  return failed;
}

/** Names a package exports (values and types), read from its built declaration file's final export list. */
export function exportedNames(pkg: string): string[] {
  const dts = readFileSync(join(ROOT, 'packages', pkg, 'dist/index.d.ts'), 'utf8');
  const lists = [...dts.matchAll(/^export \{([^}]*)\};?$/gm)].map((m) => m[1]);
  return lists
    .flatMap((list) => list.split(','))
    .map((entry) =>
      entry
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .at(-1)!
        .trim(),
    )
    .filter(Boolean);
}

/**
 * Writes an API example as a module under {@link EXAMPLES_DIR}/api, importing every name it uses that its own
 * package exports, or failing that one of `otherPackages` (in order), unless the example declares or imports it.
 */
export function writeApiModule(example: ApiExample, index: number, exports: ReadonlyMap<string, readonly string[]>, otherPackages: readonly string[]): string {
  const dir = join(EXAMPLES_DIR, 'api');
  mkdirSync(dir, { recursive: true });
  const code = example.code;
  const declared = new Set(
    [
      ...code.matchAll(/\b(?:const|let|var|function|class|import\s+\*\s+as|type|interface)\s+([A-Za-z_$][\w$]*)/g),
      ...code.matchAll(/import\s*\{([^}]*)\}/g),
    ].flatMap((m) =>
      m[1].split(',').map((n) =>
        n
          .trim()
          .split(/\s+as\s+/)
          .at(-1)!
          .replace(/^type\s+/, ''),
      ),
    ),
  );
  // Identifiers not preceded by a dot (`console.log` uses `console`, not `log`); comments dropped.
  const used = new Set(code.replace(/\/\/.*$/gm, '').match(/(?<![.\w$])[A-Za-z_$][\w$]*/g) ?? []);
  const imports = new Map<string, string[]>();
  for (const name of used) {
    if (declared.has(name)) continue;
    const from = [example.pkg, ...otherPackages].find((p) => exports.get(p)?.includes(name));
    if (from !== undefined) imports.set(from, [...(imports.get(from) ?? []), name]);
  }
  const header = [...imports].map(([pkg, names]) => `import { ${names.sort().join(', ')} } from '@seqlab/${pkg}';`);
  const file = join(dir, `${example.pkg}-${String(index).padStart(3, '0')}.ts`);
  writeFileSync(file, `// ${example.file}:${example.line}\n${header.join('\n')}\n${code}\nexport {};\n`);
  return file;
}

/** The part of a reflection of TypeDoc's JSON output (`typedoc --json`) that {@link exportsWithoutExample} reads. */
export interface JsonReflection {
  readonly name: string;
  readonly kind: number;
  readonly comment?: { readonly blockTags?: readonly { readonly tag: string }[] };
  readonly signatures?: readonly JsonReflection[];
  readonly children?: readonly JsonReflection[];
}

/** TypeDoc's ReflectionKind values of the exports that need an `@example`: Variable, Function and Class. */
const EXAMPLE_KINDS = new Set([32, 64, 128]);
/** ReflectionKind.Constructor. */
const CONSTRUCTOR = 512;

const hasExampleTag = (r: JsonReflection | undefined): boolean => r?.comment?.blockTags?.some((t) => t.tag === '@example') ?? false;
/** An `@example` on the reflection or on one of its signatures (where TypeDoc puts a function's comment). */
const documentsExample = (r: JsonReflection | undefined): boolean => hasExampleTag(r) || (r?.signatures ?? []).some(hasExampleTag);

/** What {@link exportsWithoutExample} finds in one package. */
export interface ExampleCoverage {
  /** Exported functions, variables and classes looked at. */
  readonly checked: number;
  /** Their names that have no `@example`, sorted. */
  readonly missing: string[];
}

/**
 * For each package, the exported functions, variables (constants) and classes of its module (`@seqlab/<pkg>`) in a
 * TypeDoc JSON project, and those whose TSDoc has no `@example`: neither on the reflection nor on one of its
 * signatures, nor, for a class, on its constructor. Throws if a package has no module in the project.
 */
export function exportsWithoutExample(project: JsonReflection, packages: readonly string[]): Record<string, ExampleCoverage> {
  const modules = new Map((project.children ?? []).map((m) => [m.name, m]));
  return Object.fromEntries(
    packages.map((pkg) => {
      const module = modules.get(`@seqlab/${pkg}`);
      if (module === undefined) throw new Error(`the TypeDoc project has no module @seqlab/${pkg}; it has ${[...modules.keys()].join(', ')}`);
      const exported = (module.children ?? []).filter((r) => EXAMPLE_KINDS.has(r.kind));
      const missing = exported
        .filter((r) => !documentsExample(r) && !(r.kind === 128 && documentsExample(r.children?.find((c) => c.kind === CONSTRUCTOR))))
        .map((r) => r.name)
        .sort();
      return [pkg, { checked: exported.length, missing }];
    }),
  );
}
