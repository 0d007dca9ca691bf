// e2e: the home page loads without console errors, cross-origin isolated or not, and looks as its baseline does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareScreenshot, startPlayground, type Playground } from './harness.js';

describe('playground home', () => {
  let app: Playground;
  beforeAll(async () => {
    app = await startPlayground();
  });
  afterAll(() => app?.close());

  it('loads without console errors, cross-origin isolated, and matches its screenshot', async () => {
    const { page, errors, close } = await app.open('');
    await page.getByRole('heading', { name: 'seqlab playground' }).waitFor();
    await page
      .getByTestId('environment')
      .getByText(/^yes: the wasm backend runs here$/)
      .waitFor();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await expect(page.getByTestId('environment').textContent()).resolves.toMatch(/may use up to \d+ threads/);
    // The core count is the host's, and the nav and views list grow as views are added.
    await compareScreenshot(page, 'home', { mask: [page.locator('nav'), page.getByTestId('views'), page.getByTestId('environment').locator('dd')] });
    expect(errors).toEqual([]);
    await close();
  });

  it('works without COOP/COEP (one thread) and without console errors', async () => {
    const { page, errors, close } = await app.open('', { isolated: false });
    await page
      .getByTestId('environment')
      .getByText(/runs on one thread/)
      .waitFor();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    expect(errors).toEqual([]);
    await close();
  });

  it('switches theme from the toggle and keeps it across a reload', async () => {
    const { page, errors, close } = await app.open('');
    await page.getByRole('button', { name: 'Dark theme' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.reload();
    await page.waitForSelector('header.bar');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.getByRole('button', { name: 'Light theme' }).waitFor();
    expect(errors).toEqual([]);
    await close();
  });

  it('says so when a hash route names no view', async () => {
    const { page, errors, close } = await app.open('#/no-such-view');
    await page.getByRole('heading', { name: 'No such view' }).waitFor();
    expect(errors).toEqual([]);
    await close();
  });
});
