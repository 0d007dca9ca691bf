// A production Vite build of a one-script page, for tests that check what Vite says about a package in browsers.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, createLogger } from 'vite';

/** What {@link viteBuildPage} saw. */
export interface ViteBuildOutcome {
  /** Vite's warnings, in order (for example "Module "fs" has been externalized for browser compatibility"). */
  readonly warnings: readonly string[];
  /** Whether the build wrote its `index.html`. */
  readonly wroteHtml: boolean;
}

/**
 * Runs `vite build` in production mode (as users' builds run) on a page whose only script is `main` (ES module
 * source), in a temporary folder removed afterwards, and collects Vite's warnings. `resolve` maps exact bare specifiers to files, as in
 * {@link BrowserBundleOptions.resolve}.
 *
 * @example
 * ```ts
 * const { warnings } = await viteBuildPage("import { Tensor } from '@seqlab/tensor-core'; console.log(Tensor);", {
 *   '@seqlab/tensor-core': 'packages/tensor-core/dist/index.js',
 * });
 * ```
 */
export async function viteBuildPage(main: string, resolve: Readonly<Record<string, string>> = {}): Promise<ViteBuildOutcome> {
  const root = mkdtempSync(join(tmpdir(), 'seqlab-vite-'));
  const warnings: string[] = [];
  const logger = createLogger('warn', { allowClearScreen: false });
  logger.warn = (message) => void warnings.push(message);
  logger.warnOnce = (message) => void warnings.push(message);
  // Vite warns about externalized built-ins only in production mode, which it takes from NODE_ENV (vitest sets 'test').
  const savedNodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    writeFileSync(join(root, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>');
    writeFileSync(join(root, 'main.js'), main);
    const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    await build({
      root,
      configFile: false,
      logLevel: 'warn',
      customLogger: logger,
      resolve: { alias: Object.entries(resolve).map(([find, replacement]) => ({ find: new RegExp(`^${escape(find)}$`), replacement })) },
      build: { outDir: join(root, 'dist'), minify: false, reportCompressedSize: false, chunkSizeWarningLimit: 100_000 },
    });
    return { warnings, wroteHtml: existsSync(join(root, 'dist/index.html')) };
  } finally {
    if (savedNodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = savedNodeEnv;
    rmSync(root, { recursive: true, force: true });
  }
}
