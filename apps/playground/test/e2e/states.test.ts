// e2e: the LSTM state view renders from the shipped checkpoint, span selection finds the same units and matches as
// the view model computes in Node from that checkpoint, keyboard selection works, and the page matches its screenshots.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeText } from '../../src/lib/attention.js';
import { modelFromCheckpoint, SHIPPED_FILES } from '../../src/lib/shipped.js';
import { cellsOnOver, lstmStates, matchingSpans } from '../../src/lib/states.js';
import { APP_ROOT, compareScreenshot, startPlayground, type Playground } from './harness.js';

const shipped = modelFromCheckpoint(new Uint8Array(readFileSync(join(APP_ROOT, 'public/checkpoints', SHIPPED_FILES.lstm))));
if (shipped.kind !== 'lstm') throw new Error('the shipped LSTM checkpoint holds another kind of model');

describe('LSTM state view', () => {
  let app: Playground;
  beforeAll(async () => {
    app = await startPlayground();
  });
  afterAll(() => app?.close());

  it("opens on the first speaker's name, whose units are on in other speakers' names too", async () => {
    const { page, errors, close } = await app.open('#/states');
    await page.getByTestId('heatmap').locator('svg').first().waitFor();
    const text = await page.locator('#st-text').inputValue();
    const colon = text.indexOf(':');
    const { ids } = encodeText(shipped.tokenizer, text, 400);
    const { hidden } = lstmStates(shipped.model, ids);
    const cells = cellsOnOver(hidden, 2, colon + 1, 0.3);
    const matches = matchingSpans(hidden, cells, 0.3, 3);
    expect(cells.length).toBeGreaterThan(0);
    expect(matches.length).toBeGreaterThan(1);
    await expect(page.getByTestId('selection').textContent()).resolves.toContain(`${cells.length} units on (${cells.join(', ')}); ${matches.length} matching`);
    expect(errors).toEqual([]);
    await close();
  });

  it('selects a span and finds the units and matches computed from the model', async () => {
    const { page, errors, close } = await app.open('#/states');
    await page.getByTestId('heatmap').locator('svg').first().waitFor();
    await page.locator('#st-text').fill('To be, or not to be, that is the question. To be, or not.');
    await page.getByTestId('span-start').fill('0');
    await page.getByTestId('span-end').fill('5');
    await page.getByTestId('threshold').fill('0.2');
    const { ids } = encodeText(shipped.tokenizer, 'To be, or not to be, that is the question. To be, or not.', 400);
    const { hidden } = lstmStates(shipped.model, ids);
    const cells = cellsOnOver(hidden, 0, 5, 0.2);
    const matches = matchingSpans(hidden, cells, 0.2, 3);
    const summary = await page.getByTestId('selection').textContent();
    expect(summary).toContain(`${cells.length} unit${cells.length === 1 ? '' : 's'} on (${cells.join(', ') || 'none'})`);
    expect(summary).toContain(`${matches.length} matching`);
    const underlined = await page
      .getByTestId('text')
      .locator('.char')
      .evaluateAll((chars) => chars.flatMap((c, i) => (c.classList.contains('match') ? [i] : [])));
    expect(underlined).toEqual(matches.flatMap((m) => Array.from({ length: m.end - m.start }, (_, k) => m.start + k)));
    expect(errors).toEqual([]);
    await close();
  });

  it('extends the selection with Shift+ArrowRight and switches to cell states', async () => {
    const { page, errors, close } = await app.open('#/states');
    await page.getByTestId('heatmap').locator('svg').first().waitFor();
    await page.getByRole('button', { name: 'character 2 ', exact: false }).first().focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    await expect(page.getByTestId('selection').textContent()).resolves.toMatch(/^\s*Selected characters 3–5:/);
    await page.getByRole('radio', { name: /cell/ }).check();
    await page.getByTestId('heatmap').getByText('cell').first().waitFor();
    expect(errors).toEqual([]);
    await close();
  });

  it('keeps its state in the URL: a reload shows the same text, state, threshold and span', async () => {
    const { page, errors, close } = await app.open('#/states');
    await page.getByTestId('heatmap').locator('svg').first().waitFor();
    await page.locator('#st-text').fill('To be, or not to be.');
    await page.getByRole('radio', { name: /cell/ }).check();
    await page.getByTestId('threshold').fill('0.45');
    await page.getByTestId('span-start').fill('3');
    await page.getByTestId('span-end').fill('8');
    const before = await page.getByTestId('selection').textContent();
    await page.reload();
    await page.getByTestId('heatmap').locator('svg').first().waitFor();
    await expect(page.locator('#st-text').inputValue()).resolves.toBe('To be, or not to be.');
    await expect(page.getByRole('radio', { name: /cell/ }).isChecked()).resolves.toBe(true);
    await expect(page.getByTestId('threshold').inputValue()).resolves.toBe('0.45');
    await expect(page.getByTestId('selection').textContent()).resolves.toBe(before);
    expect(errors).toEqual([]);
    await close();
  });

  it('matches its screenshots in the light and dark themes', async () => {
    const { page, errors, close } = await app.open('#/states');
    await page.getByTestId('heatmap').locator('svg').first().waitFor();
    await compareScreenshot(page, 'states-light', { mask: [page.locator('nav')] });
    await page.getByRole('button', { name: 'Dark theme' }).click();
    await page.getByTestId('heatmap').scrollIntoViewIfNeeded();
    await compareScreenshot(page, 'states-dark', { mask: [page.locator('nav')] });
    expect(errors).toEqual([]);
    await close();
  });
});
