// Test pages in headless Chromium: a bundled script served from 127.0.0.1 (cross-origin isolated or not) and its result.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import type { Browser } from 'playwright-core';
import { bundleForBrowser, type BrowserBundleOptions } from './bundle.js';
import { launchChromium } from './chromium.js';

/** Headers that make a page cross-origin isolated (SharedArrayBuffer, and so shared wasm memory, available). */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** A local HTTP server of one test page. */
export interface PageServer {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** The page's address: under `/` it is cross-origin isolated, under `/plain/` (with `isolated: false`) it is not. */
  url(options?: { isolated?: boolean }): string;
  /** Stops the server. */
  close(): Promise<void>;
}

/**
 * Serves a page that runs `script` as a module, on 127.0.0.1 at a free port. Pages under `/` are sent with
 * {@link ISOLATION_HEADERS}; pages under `/plain/` without them. The script's address is relative to the page, so
 * `/plain/` pages load `/plain/entry.js` and get the same headers as their page.
 *
 * @example
 * ```ts
 * const server = await servePage((await bundleForBrowser('test/browser/entry.ts')).code);
 * console.log(server.url({ isolated: false })); // http://127.0.0.1:<port>/plain/
 * await server.close();
 * ```
 */
export async function servePage(script: string, options: { title?: string } = {}): Promise<PageServer> {
  const title = options.title ?? 'seqlab test';
  const page = `<!doctype html><meta charset="utf-8"><title>${title}</title><script type="module" src="entry.js"></script>`;
  return listen(async (path) => (path.endsWith('/entry.js') ? { type: 'text/javascript', body: script } : { type: 'text/html', body: page }));
}

/** Content types of the files a built site holds, by extension. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.safetensors': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves the static site in folder `root` (a `vite build` output, say) on 127.0.0.1 at a free port: `/` is its
 * `index.html`, and every file is also served under `/plain/`. As with {@link servePage}, files under `/` are sent
 * with {@link ISOLATION_HEADERS} and files under `/plain/` without them, so one site can be tested both
 * cross-origin isolated and not. Paths outside `root` and missing files answer 404.
 *
 * @example
 * ```ts
 * const server = await serveDirectory('apps/playground/dist');
 * console.log(server.url()); // http://127.0.0.1:<port>/
 * await server.close();
 * ```
 */
export async function serveDirectory(root: string): Promise<PageServer> {
  const base = normalize(root);
  return listen(async (path) => {
    const relative = decodeURIComponent(path.replace(/^\/plain\//, '/')).replace(/^\/+/, '');
    const file = normalize(join(base, relative === '' || relative.endsWith('/') ? `${relative}index.html` : relative));
    if (file !== base && !file.startsWith(base.endsWith(sep) ? base : base + sep)) return undefined;
    try {
      return { type: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', body: await readFile(file) };
    } catch {
      return undefined;
    }
  });
}

/** Starts a server that answers each GET path with `respond`'s file (404 when undefined), isolated unless under `/plain/`. */
async function listen(respond: (path: string) => Promise<{ type: string; body: string | Uint8Array } | undefined>): Promise<PageServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split(/[?#]/)[0];
    const headers = path.startsWith('/plain/') ? {} : ISOLATION_HEADERS;
    respond(path).then(
      (file) => {
        if (file === undefined) res.writeHead(404, { 'Content-Type': 'text/plain', ...headers }).end(`not found: ${path}`);
        else res.writeHead(200, { 'Content-Type': file.type, ...headers }).end(file.body);
      },
      (error: unknown) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(error)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: ({ isolated = true } = {}) => `${origin}${isolated ? '/' : '/plain/'}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** What a test page reported, and the uncaught errors it raised on the way. */
export interface PageRun<T> {
  /** The value the page's script set as `globalThis.seqlabResult` (awaited when it is a promise). */
  readonly result: T;
  /** Messages of uncaught errors in the page (`pageerror` events). */
  readonly pageErrors: readonly string[];
}

/**
 * Opens `url` in a new page of `browser`, waits for its script to set `globalThis.seqlabResult` (a value or a
 * promise of one), and returns that value with the page's uncaught errors. The page is closed afterwards.
 *
 * @example
 * ```ts
 * const { result, pageErrors } = await runPage<{ ok: boolean }>(browser, server.url());
 * ```
 */
export async function runPage<T>(browser: Browser, url: string, options: { timeoutMs?: number } = {}): Promise<PageRun<T>> {
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  try {
    await page.goto(url);
    await page.waitForFunction(() => 'seqlabResult' in globalThis, undefined, { timeout: options.timeoutMs ?? 30_000 });
    const result = await page.evaluate(() => (globalThis as unknown as { seqlabResult: unknown }).seqlabResult);
    return { result: result as T, pageErrors };
  } finally {
    await page.close();
  }
}

/**
 * Launches Chromium ({@link launchChromium}) for pages of `server`, closing the server when the launch fails, so a
 * failed `beforeAll` leaves no port open.
 *
 * @example
 * ```ts
 * const server = await serveDirectory('apps/playground/dist');
 * const browser = await launchChromiumFor(server);
 * ```
 */
export async function launchChromiumFor(server: PageServer): Promise<Browser> {
  try {
    return await launchChromium();
  } catch (error) {
    await server.close();
    throw error;
  }
}

/** A browser test's fixture: a bundled entry served by a {@link PageServer}, and a Chromium to open it in. */
export interface BrowserPage {
  /** The running Chromium. */
  readonly browser: Browser;
  /** The page's server. */
  readonly server: PageServer;
  /** Runs the page once ({@link runPage}), cross-origin isolated unless `isolated: false`. */
  run<T>(options?: { isolated?: boolean; timeoutMs?: number }): Promise<PageRun<T>>;
  /** Closes the browser and the server. */
  close(): Promise<void>;
}

/**
 * Bundles `entry` for browsers ({@link bundleForBrowser}), serves it ({@link servePage}) and launches Chromium
 * ({@link launchChromium}): the `beforeAll` of a browser test.
 *
 * @example
 * ```ts
 * let page: BrowserPage;
 * beforeAll(async () => { page = await openBrowserPage(fileURLToPath(new URL('./browser/entry.ts', import.meta.url))); });
 * afterAll(() => page?.close());
 * it('runs', async () => expect((await page.run<{ ok: boolean }>()).result.ok).toBe(true));
 * ```
 */
export async function openBrowserPage(entry: string, options: BrowserBundleOptions & { title?: string } = {}): Promise<BrowserPage> {
  const { code } = await bundleForBrowser(entry, options);
  const server = await servePage(code, { title: options.title });
  const browser = await launchChromiumFor(server);
  return {
    browser,
    server,
    run: ({ isolated, timeoutMs } = {}) => runPage(browser, server.url({ isolated }), { timeoutMs }),
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}
