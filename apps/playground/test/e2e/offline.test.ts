// e2e: the service worker precaches the build (shipped checkpoints included), so after one visit the attention view
// reloads and renders with the network off, and the training worker starts the lazily loaded gpu backend offline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlayground, type Playground } from './harness.js';

describe('offline', () => {
  let app: Playground;
  beforeAll(async () => {
    app = await startPlayground();
  });
  afterAll(() => app?.close());

  it('reloads the attention view offline and renders it from the precache; gpu starts offline', async () => {
    const { page, errors, close } = await app.open('#/attention');
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    // Wait until the worker controls the page and has finished precaching.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await page.waitForFunction(async () => {
      const names = await caches.keys();
      const precache = names.find((n) => n.includes('precache'));
      if (precache === undefined) return false;
      const keys = await (await caches.open(precache)).keys();
      return keys.some((r) => r.url.includes('transformer-lm.safetensors'));
    });
    await page.context().setOffline(true);
    try {
      await page.reload();
      await page.waitForSelector('header.bar');
      await page.getByTestId('decomposition').waitFor();
      await page.getByTestId('cross').waitFor();
      expect(await page.evaluate(() => navigator.onLine)).toBe(false);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      // The lazily loaded gpu chunk (kernels-gpu and gpu.js) is precached too: the training worker starts gpu offline.
      await page.evaluate(() => (location.hash = '#/train?model=lstm&hidden=8&batch=2&seq=8&backend=gpu'));
      await page.locator('[data-testid=train-view][data-ready=true]').waitFor({ timeout: 60_000 });
      await expect(page.getByTestId('backend-badge').textContent()).resolves.toMatch(/^gpu \(webgl2\) — /);
    } finally {
      await page.context().setOffline(false);
    }
    expect(errors).toEqual([]);
    await close();
  });
});
