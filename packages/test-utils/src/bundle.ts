// Browser bundles for tests: esbuild with --platform=browser and no externals, and a check for Node built-ins left in them.
import { builtinModules } from 'node:module';
import { build, type Plugin } from 'esbuild';

/** Options of {@link bundleForBrowser}. */
export interface BrowserBundleOptions {
  /**
   * Files that bare imports resolve to instead of node_modules, by exact specifier (for example `@seqlab/autograd` →
   * `packages/autograd/dist/index.js`, to bundle the built packages that users' bundlers see).
   */
  readonly resolve?: Readonly<Record<string, string>>;
}

/** One ESM bundle and what esbuild left outside it. */
export interface BrowserBundle {
  /** The bundled script. */
  readonly code: string;
  /** Import paths that esbuild kept as imports of the output instead of bundling them (none, for a browser). */
  readonly externalImports: readonly string[];
}

function resolvePlugin(files: Readonly<Record<string, string>>): Plugin {
  return {
    name: 'seqlab-test-resolve',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => (Object.hasOwn(files, args.path) ? { path: files[args.path] } : undefined));
    },
  };
}

/**
 * Bundles `entry` (and everything it imports) into one ESM script for browsers, as `esbuild --bundle
 * --platform=browser` does with no externals: an import of a Node built-in fails the build.
 *
 * @example
 * ```ts
 * const { code } = await bundleForBrowser('test/browser/entry.ts', { resolve: { '@seqlab/autograd': 'packages/autograd/dist/index.js' } });
 * ```
 */
export async function bundleForBrowser(entry: string, options: BrowserBundleOptions = {}): Promise<BrowserBundle> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: options.resolve === undefined ? [] : [resolvePlugin(options.resolve)],
  });
  const externalImports = Object.values(result.metafile.outputs).flatMap((output) => output.imports.filter((i) => i.external).map((i) => i.path));
  return { code: result.outputFiles[0].text, externalImports };
}

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
// require('x') and import('x') calls whose argument is a string literal; a module name merely held in a string
// (what `process.getBuiltinModule('node:fs')` gets) is not a reference a bundler or a browser would follow.
const CALLS = /\b(?:require|import)\s*\(\s*(["'`])([^"'`]+)\1\s*\)/g;

/**
 * The Node built-ins (`fs`, `node:path`, ...) that a bundle still imports or requires: esbuild's external imports and
 * any `require("…")` or `import("…")` call naming a built-in. Empty for a bundle that runs in browsers.
 *
 * @example
 * ```ts
 * const found = nodeBuiltinReferences(await bundleForBrowser('src/index.ts'));
 * if (found.length > 0) throw new Error(`the bundle needs ${found.join(', ')}`);
 * ```
 */
export function nodeBuiltinReferences(bundle: BrowserBundle): string[] {
  const found = new Set(bundle.externalImports.filter((path) => BUILTINS.has(path) || path.startsWith('node:')));
  for (const [, , name] of bundle.code.matchAll(CALLS)) if (BUILTINS.has(name) || name.startsWith('node:')) found.add(name);
  return [...found].sort();
}
