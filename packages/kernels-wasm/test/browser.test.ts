// The backend in a real browser (headless Chromium, driven by playwright-core): in a cross-origin isolated
// page it runs large matmuls on Web Workers over shared memory and keeps parameters resident in it; in a page that
// is not isolated (no SharedArrayBuffer) it runs them on the page's thread and copies parameters in per call. Either
// way the products and the Adam steps match the cpu backend.
//
// @seqlab/test-utils finds the Chromium ($SEQLAB_BROWSER, Debian's /usr/bin/chromium, or the one @sparticuz/chromium
// ships), bundles test/browser/entry.ts for browsers and serves it.
import { fileURLToPath } from 'node:url';
import { openBrowserPage, type BrowserPage, type PageRun } from '@seqlab/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserResult } from './browser/entry.js';

let page: BrowserPage;

beforeAll(async () => {
  page = await openBrowserPage(fileURLToPath(new URL('./browser/entry.ts', import.meta.url)), { title: 'seqlab wasm' });
}, 60_000);

afterAll(async () => {
  await page?.close();
});

// One page run per setting, shared by the tests that read it.
const runs = new Map<boolean, Promise<PageRun<BrowserResult>>>();

async function resultOf(options: { isolated: boolean }): Promise<BrowserResult> {
  if (!runs.has(options.isolated)) runs.set(options.isolated, page.run<BrowserResult>(options));
  const { result, pageErrors } = await runs.get(options.isolated)!;
  expect(pageErrors).toEqual([]);
  return result;
}

describe('the wasm backend in Chromium', () => {
  it('runs large matmuls on a Web Worker in a cross-origin isolated page, matching the cpu backend', async () => {
    const result = await resultOf({ isolated: true });
    expect(result.error).toBeUndefined();
    expect(result.backend).toBe('wasm');
    expect(result.crossOriginIsolated).toBe(true);
    expect(result.info).toMatchObject({ threads: 2, readyWorkers: 1, sharedMemory: true });
    // 80 products of 8–20 tiles each: the worker took part in them.
    expect(result.info.workerChunks).toBeGreaterThan(0);
    expect(result.worstRelativeError).toBeLessThan(1e-5);
    // The last step's parameter and moments at least (earlier steps' are freed when the page collects them).
    expect(result.residentBytes).toBeGreaterThanOrEqual(3 * 256 * 256 * 4);
    expect(result.adamError).toBeLessThan(1e-5);
  }, 60_000);

  it('picks the FMA build: Chromium has relaxed SIMD, so its workers run fused multiply-adds too', async () => {
    const result = await resultOf({ isolated: true });
    expect(result.build).toEqual({ build: 'fma', available: ['plain', 'fma'], chosenBy: 'auto' });
    // Every tile of a product the page thread and the worker shared rounded a·a − 1 once.
    expect(result.roundingProbe).toEqual([2 ** -11 + 2 ** -24]);
    // Switched to the plain build (compiled then, instantiated beside the first in the page and its worker) and back.
    expect(result.switched).toEqual({ plain: [2 ** -11], fma: [2 ** -11 + 2 ** -24] });
  }, 60_000);

  it('runs them on the page thread where the page is not isolated', async () => {
    const result = await resultOf({ isolated: false });
    expect(result.error).toBeUndefined();
    expect(result.backend).toBe('wasm');
    expect(result.crossOriginIsolated).toBe(false);
    expect(result.info).toEqual({ threads: 1, readyWorkers: 0, sharedMemory: false, workerChunks: 0, busyMs: 200 });
    expect(result.worstRelativeError).toBeLessThan(1e-5);
    expect(result.residentBytes).toBe(0);
    expect(result.adamError).toBeLessThan(1e-5);
  }, 60_000);
});
