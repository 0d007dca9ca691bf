// The browser benchmark's Node side: bundles the page, serves it cross-origin isolated, launches Chromium (software
// WebGL, or hardware rendering flags for a machine with a GPU), forwards the page's progress and returns the report.
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { machineEnvironment } from '../kernel-bench/results.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForBrowser, CHROMIUM_ARGS, findChromium, servePage } from '@seqlab/test-utils';
import { InvalidArgumentError } from '@seqlab/tensor-core';
import { chromium, type Browser } from 'playwright-core';
import { renderingOf } from './renderer.js';
import { checkBrowserTargets } from './targets.js';
import { PROGRESS_PREFIX, type BrowserBenchConfig, type BrowserBenchReport, type BrowserPageResult } from './settings.js';

/** How Chromium is launched: `software` (SwiftShader, as in CI) or `gpu` (hardware rendering flags, no SwiftShader). */
export type LaunchMode = 'software' | 'gpu';

/**
 * Chromium flags of the `gpu` launch: GPU on in headless mode whatever the blocklist says, and no software
 * rasterizer to fall back on, so a machine without a usable GPU shows no WebGL instead of SwiftShader numbers.
 * `angle` picks ANGLE's back end (`vulkan`, `gl`, `gl-egl`, `metal`, `d3d11`); without it Chromium uses its default.
 *
 * @example
 * ```ts
 * console.assert(gpuLaunchArgs('vulkan').includes('--use-angle=vulkan'));
 * console.assert(!gpuLaunchArgs().join(' ').includes('swiftshader'));
 * ```
 */
export function gpuLaunchArgs(angle?: string): string[] {
  const args = CHROMIUM_ARGS.filter((a) => !a.includes('swiftshader') && !a.startsWith('--use-angle'));
  args.push('--enable-gpu', '--ignore-gpu-blocklist', '--disable-software-rasterizer');
  if (angle !== undefined) args.push(`--use-angle=${angle}`);
  if (angle === 'vulkan') args.push('--enable-features=Vulkan');
  return args;
}

/** Options of {@link runBrowserBenchmark}. */
export interface BrowserBenchOptions {
  /** What the page runs. */
  readonly config: BrowserBenchConfig;
  /** Launch mode. Default `software`. */
  readonly mode?: LaunchMode;
  /** ANGLE back end of the `gpu` launch (see {@link gpuLaunchArgs}). */
  readonly angle?: string;
  /** Milliseconds the whole page may take before the run is abandoned. Default 30 minutes. */
  readonly timeoutMs?: number;
  /** Progress lines. Default: discard. */
  readonly log?: (line: string) => void;
}

/** The folder of @seqlab/bench, found from this module (its source or a build of it inside the package). */
function benchPackageDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === '@seqlab/bench') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`bench:browser: no @seqlab/bench package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

async function launch(mode: LaunchMode, angle: string | undefined): Promise<{ browser: Browser; args: string[]; executable: string; source: string }> {
  const { executablePath, source } = await findChromium();
  const args = mode === 'gpu' ? gpuLaunchArgs(angle) : [...CHROMIUM_ARGS];
  return { browser: await chromium.launch({ executablePath, args }), args, executable: executablePath, source };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bench:browser: ${what} did not finish within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs the browser benchmark: seqlab gpu, seqlab wasm and TF.js WebGL side by side in one cross-origin isolated page
 * of headless Chromium, and returns the report (environment with the renderer string, settings, rows, targets). The
 * packages are bundled from their builds, so run `pnpm build` first. Rows on a software renderer are labelled so and
 * no target is judged on them.
 *
 * @example
 * ```ts
 * const report = await runBrowserBenchmark({ config: QUICK_BROWSER_CONFIG, log: console.error });
 * console.log(report.environment.webgl, report.environment.rendering);
 * ```
 */
export async function runBrowserBenchmark(options: BrowserBenchOptions): Promise<BrowserBenchReport> {
  const { config } = options;
  const mode = options.mode ?? 'software';
  if (mode !== 'software' && mode !== 'gpu')
    throw new InvalidArgumentError(`runBrowserBenchmark: option 'mode' must be 'software' or 'gpu'; received ${String(mode)}`);
  const log = options.log ?? ((): void => {});
  const loadBefore = loadavg()[0];
  const entry = join(benchPackageDir(), 'src/browser-bench/page.ts');
  const { code } = await bundleForBrowser(entry);
  const server = await servePage(code, { title: 'seqlab bench:browser' });
  let launched: Awaited<ReturnType<typeof launch>> | undefined;
  try {
    launched = await launch(mode, options.angle);
    log(`chromium ${launched.browser.version()} (${launched.source}: ${launched.executable}), ${mode} launch: ${launched.args.join(' ')}`);
    const page = await launched.browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      const text = m.text();
      if (text.startsWith(PROGRESS_PREFIX)) log(text.slice(PROGRESS_PREFIX.length));
    });
    await page.addInitScript((c) => {
      (globalThis as { seqlabBenchConfig?: unknown }).seqlabBenchConfig = c;
    }, config);
    await page.goto(server.url({ isolated: true }));
    const result = await withTimeout(
      page.evaluate(async () => (globalThis as unknown as { seqlabResult: Promise<unknown> }).seqlabResult),
      options.timeoutMs ?? 30 * 60_000,
      'the benchmark page',
    );
    if (result === undefined || (typeof result === 'object' && result !== null && 'error' in result)) {
      const why = result === undefined ? `no result (page errors: ${pageErrors.join('; ') || 'none'})` : String((result as { error: unknown }).error);
      throw new Error(`bench:browser: the page failed: ${why}`);
    }
    const pageResult = result as BrowserPageResult;
    const renderer = 'error' in pageResult.webgl ? undefined : pageResult.webgl.renderer;
    return {
      environment: {
        ...machineEnvironment(loadBefore),
        chromium: { version: launched.browser.version(), source: launched.source, executable: launched.executable, launch: mode, args: launched.args },
        page: { userAgent: pageResult.userAgent, crossOriginIsolated: pageResult.crossOriginIsolated, hardwareConcurrency: pageResult.hardwareConcurrency },
        webgl: pageResult.webgl,
        rendering: renderingOf(renderer),
        contenders: pageResult.contenders,
        pageErrors,
      },
      settings: config,
      results: [...pageResult.rows],
      targets: checkBrowserTargets(pageResult.rows, config),
    };
  } finally {
    await launched?.browser.close();
    await server.close();
  }
}
