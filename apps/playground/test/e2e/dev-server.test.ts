// e2e: `pnpm playground`'s dev server (Vite, sources and pre-bundled workspace packages) serves a page whose training
// worker loads and trains, cross-origin isolated, without console errors.
import { launchChromium } from '@seqlab/test-utils';
import type { Browser } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ROOT, VIEWPORT } from './harness.js';

describe('playground dev server', () => {
  let server: ViteDevServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await createServer({ root: APP_ROOT, configFile: `${APP_ROOT}/vite.config.ts`, logLevel: 'error', server: { port: 0, host: '127.0.0.1' } });
    await server.listen();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('serves the training view, whose worker trains on wasm threads and starts gpu when picked', async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    const address = server.resolvedUrls?.local[0];
    expect(address).toBeDefined();
    await page.goto(`${address}#/train?hidden=16&batch=4&seq=16`);
    await page.locator('[data-testid=train-view][data-ready=true]').waitFor({ timeout: 90_000 });
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await expect(page.getByTestId('backend-badge').textContent()).resolves.toMatch(/^wasm SIMD ×\d+ threads?$/);
    await page.getByTestId('step-count-input').fill('3');
    await page.getByTestId('step').click();
    await page.waitForFunction(() => ((globalThis as { seqlabTrainLosses?: number[] }).seqlabTrainLosses?.length ?? 0) >= 3, undefined, { timeout: 60_000 });
    // Picking gpu loads kernels-gpu (and gpu.js, CommonJS, pre-bundled) into a new worker, on WebGL2.
    await page.getByTestId('backend').selectOption('gpu');
    await page
      .getByTestId('backend-badge')
      .getByText(/^gpu \(webgl2\) — /)
      .waitFor({ timeout: 60_000 });
    expect(errors).toEqual([]);
    await page.close();
  });
});
