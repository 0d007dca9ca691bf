// The backend in a real browser (Debian's headless Chromium, driven by playwright-core): in a cross-origin isolated
// page it runs large matmuls on Web Workers over shared memory; in a page that is not isolated (no
// SharedArrayBuffer) it runs them on the page's thread. Either way the products match the cpu backend.
//
// Needs /usr/bin/chromium (`apt-get install chromium`; .ci/run installs it). Set SEQLAB_BROWSER to another
// Chromium binary to use that one instead.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserResult } from './browser/entry.js';

const executablePath = process.env.SEQLAB_BROWSER ?? '/usr/bin/chromium';
const LAUNCH_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Headers that make a page cross-origin isolated (SharedArrayBuffer, and so shared wasm memory, available). */
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

let server: Server;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  if (!existsSync(executablePath)) {
    throw new Error(`browser tests need Chromium at ${executablePath}: run 'apt-get install chromium' (or set SEQLAB_BROWSER)`);
  }
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./browser/entry.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
  });
  const script = bundle.outputFiles[0].text;
  // The script's relative address keeps it under the page's folder: `/plain/` pages load `/plain/entry.js`.
  const page = '<!doctype html><meta charset="utf-8"><title>seqlab wasm</title><script type="module" src="entry.js"></script>';
  server = createServer((req, res) => {
    const headers = req.url?.startsWith('/plain/') ? {} : ISOLATION;
    if (req.url?.endsWith('/entry.js')) res.writeHead(200, { 'Content-Type': 'text/javascript', ...headers }).end(script);
    else res.writeHead(200, { 'Content-Type': 'text/html', ...headers }).end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath, args: LAUNCH_ARGS });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

async function resultOf(path: string): Promise<BrowserResult> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(`${origin}${path}`);
    await page.waitForFunction(() => 'seqlabResult' in globalThis, undefined, { timeout: 30_000 });
    const result = await page.evaluate(() => (globalThis as unknown as { seqlabResult: Promise<BrowserResult> }).seqlabResult);
    expect(errors).toEqual([]);
    return result;
  } finally {
    await page.close();
  }
}

describe('the wasm backend in Chromium', () => {
  it('runs large matmuls on a Web Worker in a cross-origin isolated page, matching the cpu backend', async () => {
    const result = await resultOf('/');
    expect(result.error).toBeUndefined();
    expect(result.backend).toBe('wasm');
    expect(result.crossOriginIsolated).toBe(true);
    expect(result.info).toMatchObject({ threads: 2, readyWorkers: 1, sharedMemory: true });
    // 80 products of 8–20 tiles each: the worker took part in them.
    expect(result.info.workerChunks).toBeGreaterThan(0);
    expect(result.worstRelativeError).toBeLessThan(1e-5);
  }, 60_000);

  it('runs them on the page thread where the page is not isolated', async () => {
    const result = await resultOf('/plain/');
    expect(result.error).toBeUndefined();
    expect(result.backend).toBe('wasm');
    expect(result.crossOriginIsolated).toBe(false);
    expect(result.info).toEqual({ threads: 1, readyWorkers: 0, sharedMemory: false, workerChunks: 0, busyMs: 200 });
    expect(result.worstRelativeError).toBeLessThan(1e-5);
  }, 60_000);
});
