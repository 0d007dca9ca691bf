// e2e: the race view trains an LSTM and a Transformer at once in two workers, without blocking the page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareScreenshot, longTasks, pageNow, startPlayground, type Playground } from './harness.js';

describe('playground race', () => {
  let app: Playground;
  beforeAll(async () => {
    app = await startPlayground();
  });
  afterAll(() => app?.close());

  it('trains both models side by side until paused, and looks as its baseline does before the start', async () => {
    const { page, errors, close } = await app.open('#/race?hidden=32&batch=4&seq=16&seed=3');
    await page.locator('[data-testid=race-view][data-ready=true]').waitFor({ timeout: 60_000 });
    await compareScreenshot(page, 'race-ready', { mask: [page.locator('nav'), page.locator('.scores td:last-child')] });
    const trainingFrom = await pageNow(page);
    await page.getByTestId('race-start').click();
    const steps = (kind: string) => page.getByTestId(`race-${kind}-steps`).textContent().then(Number);
    await page.waitForFunction(
      () => ['lstm', 'transformer'].every((k) => Number(document.querySelector(`[data-testid=race-${k}-steps]`)?.textContent) >= 5),
      undefined,
      { timeout: 120_000 },
    );
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByTestId('race-start').waitFor();
    const [lstm, transformer] = [await steps('lstm'), await steps('transformer')];
    expect(lstm).toBeGreaterThanOrEqual(5);
    expect(transformer).toBeGreaterThanOrEqual(5);
    // Paused: no more steps arrive.
    await page.waitForTimeout(300);
    expect([await steps('lstm'), await steps('transformer')]).toEqual([lstm, transformer]);
    console.log('race long tasks', await longTasks(page, trainingFrom));
    // While both train, the page's thread only receives their reports and redraws the chart.
    expect(Math.max(0, ...(await longTasks(page, trainingFrom)))).toBeLessThan(200);
    expect(errors).toEqual([]);
    await close();
  });
});
