// e2e: the gradient-flow page measures the four models in its Worker, follows the spectral-radius slider from the
// keyboard, trains without blocking the page, and matches its screenshot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareScreenshot, longTasks, startPlayground, type Playground } from './harness.js';

const KINDS = ['rnn', 'lstm', 'gru', 'transformer'] as const;

describe('playground gradient flow (#/gradients)', () => {
  let app: Playground;
  beforeAll(async () => {
    app = await startPlayground();
  });
  afterAll(() => app?.close());

  it('measures every model at initialisation, with W_hh at the radius chosen; matches its screenshot', async () => {
    const { page, errors, close } = await app.open('#/gradients?rho=0.5&train=10');
    const status = page.getByTestId('flow-status');
    await status.getByText('at training step 0').waitFor({ timeout: 60_000 });
    for (const kind of KINDS) await page.getByTestId(`flow-${kind}`).waitFor();
    await expect(page.getByTestId('radius-rnn').textContent()).resolves.toBe('0.500');
    await expect(page.getByTestId('radius-lstm').textContent()).resolves.toBe('0.500');
    await expect(page.getByTestId('radius-transformer').textContent()).resolves.toBe('—');
    const ratio = async (kind: string): Promise<number> => Number(await page.getByTestId(`survival-${kind}`).textContent());
    // At ρ = 0.5 the tanh RNN's gradient vanishes over 26 steps; attention reaches position 0 directly.
    expect(await ratio('rnn')).toBeLessThan(1e-4);
    expect(await ratio('transformer')).toBeGreaterThan(1e3 * (await ratio('rnn')));
    expect(page.locator('figure, svg[aria-label]').first()).toBeDefined();
    await compareScreenshot(page, 'gradients', { mask: [page.locator('nav')] });
    await page.getByRole('button', { name: 'Dark theme' }).click();
    await compareScreenshot(page, 'gradients-dark', { mask: [page.locator('nav')] });
    expect(errors).toEqual([]);
    await close();
  });

  it('works without COOP/COEP (no cross-origin isolation), the Worker included', async () => {
    const { page, errors, close } = await app.open('#/gradients?rho=0.9&train=10', { isolated: false });
    await page.getByTestId('flow-status').getByText('at training step 0').waitFor({ timeout: 60_000 });
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    await expect(page.getByTestId('radius-gru').textContent()).resolves.toBe('0.900');
    expect(errors).toEqual([]);
    await close();
  });

  it('follows the slider from the keyboard, then trains in the Worker with the page responsive', async () => {
    const { page, errors, close } = await app.open('#/gradients?rho=0.5&train=10');
    const status = page.getByTestId('flow-status');
    await status.getByText('at training step 0').waitFor({ timeout: 60_000 });
    const before = Number(await page.getByTestId('survival-rnn').textContent());
    await page.getByLabel('Spectral radius of W_hh').focus();
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight'); // 0.5 → 1.0
    await expect(page.getByTestId('radius').textContent()).resolves.toBe('1.00');
    await page.getByTestId('radius-rnn').getByText('1.000').waitFor({ timeout: 60_000 });
    await status.getByText('at training step 0').waitFor({ timeout: 60_000 });
    expect(Number(await page.getByTestId('survival-rnn').textContent())).toBeGreaterThan(10 * before);
    expect(page.url()).toContain('rho=1');
    const loss0 = Number(await page.getByTestId('loss-lstm').textContent());
    await page.getByRole('button', { name: 'Train' }).click();
    await status.getByText('at training step 10').waitFor({ timeout: 120_000 });
    expect(Number(await page.getByTestId('loss-lstm').textContent())).not.toBe(loss0);
    await page.getByRole('heading', { name: /as training proceeds/ }).waitFor();
    expect(Math.max(0, ...(await longTasks(page)))).toBeLessThan(200);
    // The heatmap of every measurement: rows for steps 0, 2, 4, 6, 8, 10 (a snapshot every 10 / 5 steps).
    await page.getByLabel('Model of the heatmap').selectOption('lstm');
    const heatmap = page.locator('[aria-label="Heatmap of log10 gradient norm over position and training step"]');
    await heatmap.scrollIntoViewIfNeeded();
    await expect(heatmap.locator('rect').count()).resolves.toBeGreaterThanOrEqual(6 * 26);
    await compareScreenshot(page, 'gradients-trained', { mask: [page.locator('nav')] });
    expect(errors).toEqual([]);
    await close();
  });
});
