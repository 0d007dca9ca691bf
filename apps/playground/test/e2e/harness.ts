// The playground's end-to-end harness: checks the built site is fresh, serves it with COOP/COEP, opens pages in
// headless Chromium, collects console errors and long tasks, and compares screenshots with committed baselines.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromiumFor, serveDirectory, WORKSPACE_ROOT, type PageServer } from '@seqlab/test-utils';
import pixelmatch from 'pixelmatch';
import type { Browser, Locator, Page } from 'playwright-core';
import { PNG } from 'pngjs';

/** The playground's folder (`apps/playground`). */
export const APP_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The built site that the e2e tests open (`apps/playground/dist`). */
export const DIST = join(APP_ROOT, 'dist');
/** Committed screenshot baselines. */
export const SCREENSHOTS = join(APP_ROOT, 'test/e2e/screenshots');
/** Where a failed comparison writes the actual image and the diff (ignored by git). */
export const SCREENSHOT_OUTPUT = join(APP_ROOT, 'test/e2e/.output');
/** The environment variable that, set to 1, rewrites baselines instead of comparing with them. */
export const UPDATE_SCREENSHOTS_ENV = 'SEQLAB_UPDATE_SCREENSHOTS';
/** Viewport of every e2e page: fixed, so screenshots compare pixel for pixel. */
export const VIEWPORT = { width: 1200, height: 860 } as const;

const BUILD_HINT = 'run `pnpm --filter @seqlab/playground build` (or `pnpm test`, which builds everything first)';

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** The files whose change makes `dist` stale: the app's sources and the built workspace packages it bundles. */
function buildInputs(): string[] {
  const inputs = ['src', 'public', 'index.html', 'vite.config.ts', 'svelte.config.js', 'package.json'].map((p) => join(APP_ROOT, p));
  const manifest = JSON.parse(readFileSync(join(APP_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const name of Object.keys(manifest.dependencies)) {
    if (name.startsWith('@seqlab/')) inputs.push(join(WORKSPACE_ROOT, 'packages', name.slice('@seqlab/'.length), 'dist'));
  }
  return inputs.filter((p) => existsSync(p));
}

/**
 * Throws, naming the file and the command to run, when `apps/playground/dist` is missing or older than a source of
 * the app or a built package it bundles. The tests never build the site themselves (test files run in parallel):
 * `pnpm test` runs `turbo run build` first, and the playground's `build` is part of that pipeline.
 *
 * @example
 * ```ts
 * beforeAll(() => assertFreshBuild());
 * ```
 */
export function assertFreshBuild(): void {
  const index = join(DIST, 'index.html');
  if (!existsSync(index)) throw new Error(`playground e2e: ${relative(WORKSPACE_ROOT, index)} is missing; ${BUILD_HINT}`);
  const built = statSync(index).mtimeMs;
  for (const input of buildInputs()) {
    const changed = newestMtime(input);
    if (changed > built) {
      throw new Error(`playground e2e: ${relative(WORKSPACE_ROOT, DIST)} is stale (${relative(WORKSPACE_ROOT, input)} changed after the build); ${BUILD_HINT}`);
    }
  }
}

/** The built `seqlab` command (`apps/cli/dist/bin.js`), which the reproducibility tests run. */
export const CLI_BIN = join(WORKSPACE_ROOT, 'apps/cli/dist/bin.js');

/**
 * Throws, naming the command to run, when the CLI is not built (`pnpm test` builds it with everything else).
 *
 * @example
 * ```ts
 * beforeAll(() => assertCliBuilt());
 * ```
 */
export function assertCliBuilt(): void {
  if (!existsSync(CLI_BIN)) throw new Error(`playground e2e: ${relative(WORKSPACE_ROOT, CLI_BIN)} is missing; run \`pnpm --filter @seqlab/cli build\``);
}

/** One opened page of the playground and what it reported. */
export interface AppPage {
  /** The Playwright page. */
  readonly page: Page;
  /** Console errors, uncaught exceptions and failed requests, in order. */
  readonly errors: string[];
  /** Closes the page. */
  close(): Promise<void>;
}

/** A served build and a browser: the `beforeAll` of an e2e test file. */
export interface Playground {
  /** The running Chromium. */
  readonly browser: Browser;
  /** The server of `dist`. */
  readonly server: PageServer;
  /**
   * Opens `hash` (`#/train?task=copy`; `''` for home) and waits for the app shell. Cross-origin isolated unless
   * `isolated: false`. Long tasks on the page's main thread are recorded from the start (see {@link longTasks}).
   */
  open(hash: string, options?: { isolated?: boolean }): Promise<AppPage>;
  /** Closes the browser and the server. */
  close(): Promise<void>;
}

/**
 * Checks the build ({@link assertFreshBuild}), serves `dist` with COOP/COEP (`/`) and without (`/plain/`), and
 * launches Chromium.
 *
 * @example
 * ```ts
 * let app: Playground;
 * beforeAll(async () => { app = await startPlayground(); });
 * afterAll(() => app?.close());
 * ```
 */
export async function startPlayground(): Promise<Playground> {
  assertFreshBuild();
  const server = await serveDirectory(DIST);
  const browser = await launchChromiumFor(server);
  return {
    browser,
    server,
    async open(hash, { isolated = true } = {}) {
      const page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1, colorScheme: 'light', reducedMotion: 'reduce' });
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
      page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} (${r.failure()?.errorText ?? 'unknown'})`));
      await page.addInitScript(() => {
        const tasks: { start: number; duration: number }[] = [];
        (globalThis as unknown as { __longTasks: typeof tasks }).__longTasks = tasks;
        try {
          new PerformanceObserver((list) => {
            for (const entry of list.getEntries()) tasks.push({ start: entry.startTime, duration: entry.duration });
          }).observe({ type: 'longtask', buffered: true });
        } catch {
          // A browser without long-task timing: nothing is recorded.
        }
      });
      await page.goto(`${server.url({ isolated })}${hash === '' ? '' : hash.startsWith('#') ? hash : `#${hash}`}`);
      await page.waitForSelector('header.bar');
      return { page, errors, close: () => page.close() };
    },
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * Durations (ms) of the main-thread long tasks (over 50 ms) the page has had since it opened, or since `since` (a
 * `performance.now()` of the page, from {@link pageNow}), to look at one phase such as training alone.
 *
 * @example
 * ```ts
 * const start = await pageNow(page);
 * // ... train ...
 * expect(Math.max(0, ...(await longTasks(page, start)))).toBeLessThan(200);
 * ```
 */
export async function longTasks(page: Page, since = 0): Promise<number[]> {
  return page.evaluate(
    (from) =>
      (globalThis as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks.filter((t) => t.start >= from).map((t) => t.duration),
    since,
  );
}

/**
 * The page's `performance.now()`.
 *
 * @example
 * ```ts
 * const start = await pageNow(page);
 * ```
 */
export async function pageNow(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

/**
 * With `SEQLAB_UPDATE_SCREENSHOTS=1`, saves an unmasked screenshot of `page` for the documentation at `path`
 * (relative to the repository root, e.g. `docs/playground-train.png`); otherwise does nothing. Commit the PNG.
 *
 * @example
 * ```ts
 * await updateDocScreenshot(page, 'docs/playground-train.png');
 * ```
 */
export async function updateDocScreenshot(page: Page, path: string): Promise<void> {
  if (process.env[UPDATE_SCREENSHOTS_ENV] !== '1') return;
  await page.mouse.move(0, 0);
  await page.screenshot({ path: join(WORKSPACE_ROOT, path), animations: 'disabled', caret: 'hide', fullPage: true });
}

/** How two screenshots may differ and still match. */
export interface ScreenshotTolerance {
  /** pixelmatch's per-pixel colour threshold in [0, 1] (default 0.2: anti-aliasing and font hinting pass). */
  threshold?: number;
  /** Fraction of pixels allowed to differ beyond `threshold` (default 0.01). */
  maxDiffRatio?: number;
  /**
   * Parts of the page painted over before the shot: values that depend on the machine (core counts, timings) and
   * lists that other views extend (the navigation), so a baseline tests the view, not the host.
   */
  mask?: Locator[];
}

/** The outcome of {@link compareScreenshot}. */
export interface ScreenshotComparison {
  /** Pixels that differ beyond the threshold (0 when the baseline was just written). */
  readonly diffPixels: number;
  /** `diffPixels` over the image's pixel count. */
  readonly diffRatio: number;
  /** Whether the baseline was (re)written instead of compared. */
  readonly updated: boolean;
}

/**
 * Screenshots `page` (the viewport) and compares it with `test/e2e/screenshots/<name>.png` using pixelmatch; throws
 * when more than `maxDiffRatio` of the pixels differ, after writing the actual image and the diff under
 * `test/e2e/.output/`. With `SEQLAB_UPDATE_SCREENSHOTS=1` it writes the baseline instead (commit the PNG). A missing
 * baseline is an error that says how to create it.
 *
 * @example
 * ```ts
 * await compareScreenshot(page, 'home');
 * ```
 */
export async function compareScreenshot(page: Page, name: string, tolerance: ScreenshotTolerance = {}): Promise<ScreenshotComparison> {
  const { threshold = 0.2, maxDiffRatio = 0.01, mask = [] } = tolerance;
  const baselinePath = join(SCREENSHOTS, `${name}.png`);
  const shot = await page.screenshot({ animations: 'disabled', caret: 'hide', mask, maskColor: '#808080' });
  if (process.env[UPDATE_SCREENSHOTS_ENV] === '1') {
    mkdirSync(SCREENSHOTS, { recursive: true });
    writeFileSync(baselinePath, shot);
    return { diffPixels: 0, diffRatio: 0, updated: true };
  }
  if (!existsSync(baselinePath)) {
    throw new Error(`compareScreenshot: no baseline ${relative(WORKSPACE_ROOT, baselinePath)}; create it with ${UPDATE_SCREENSHOTS_ENV}=1 and commit it`);
  }
  const expected = PNG.sync.read(readFileSync(baselinePath));
  const actual = PNG.sync.read(shot);
  mkdirSync(SCREENSHOT_OUTPUT, { recursive: true });
  if (expected.width !== actual.width || expected.height !== actual.height) {
    writeFileSync(join(SCREENSHOT_OUTPUT, `${name}.actual.png`), shot);
    throw new Error(`compareScreenshot: '${name}' is ${actual.width}×${actual.height}, the baseline ${expected.width}×${expected.height}`);
  }
  const diff = new PNG({ width: actual.width, height: actual.height });
  const diffPixels = pixelmatch(expected.data, actual.data, diff.data, actual.width, actual.height, { threshold });
  const diffRatio = diffPixels / (actual.width * actual.height);
  if (diffRatio > maxDiffRatio) {
    writeFileSync(join(SCREENSHOT_OUTPUT, `${name}.actual.png`), shot);
    writeFileSync(join(SCREENSHOT_OUTPUT, `${name}.diff.png`), PNG.sync.write(diff));
    throw new Error(
      `compareScreenshot: '${name}' differs from its baseline in ${diffPixels} pixels (${(diffRatio * 100).toFixed(2)}% > ${(maxDiffRatio * 100).toFixed(2)}%); ` +
        `see ${relative(WORKSPACE_ROOT, SCREENSHOT_OUTPUT)}/${name}.actual.png and .diff.png, or update with ${UPDATE_SCREENSHOTS_ENV}=1 if the change is intended`,
    );
  }
  return { diffPixels, diffRatio, updated: false };
}
