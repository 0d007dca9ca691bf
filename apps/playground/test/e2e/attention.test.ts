// e2e: the attention views render from the shipped checkpoints, the decomposition equals the model's weights (the
// page's and, independently, those computed in Node from the same checkpoint) to 4 decimals, typed text recomputes
// the views, heads toggle and isolate by mouse and keyboard, and the page matches its screenshot in both themes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decomposeCell, encodeText, transformerAttention } from '../../src/lib/attention.js';
import { modelFromCheckpoint, SHIPPED_FILES } from '../../src/lib/shipped.js';
import { APP_ROOT, compareScreenshot, startPlayground, type Playground } from './harness.js';

const shipped = modelFromCheckpoint(new Uint8Array(readFileSync(join(APP_ROOT, 'public/checkpoints', SHIPPED_FILES.transformer))));
if (shipped.kind !== 'transformer') throw new Error('the shipped transformer checkpoint holds another kind of model');

describe('attention view', () => {
  let app: Playground;
  beforeAll(async () => {
    app = await startPlayground();
  });
  afterAll(() => app?.close());

  it("shows the shipped model's weights; the clicked cell's softmax matches them to 4 decimals", async () => {
    const { page, errors, close } = await app.open('#/attention');
    await page.getByTestId('decomposition').waitFor();
    const text = await page.locator('#attn-text').inputValue();
    const { ids, tokens } = encodeText(shipped.tokenizer, text, shipped.model.config.contextLength);
    const node = transformerAttention(shipped.model, ids, tokens);

    // Layer 1, head 2, query 9: open the thumbnail, then click the cell (9, 4).
    await page.getByTestId('thumb-1-2').click();
    await page.getByTestId('w-9-4').click();
    const shown = await page.getByTestId('decomposition').locator('[data-testid^="softmax-"]').allTextContents();
    expect(shown).toHaveLength(ids.length);
    shown.forEach((v, j) => expect(Number(v)).toBeCloseTo(node.weights[1][2][9][j], 4));
    // The page's own weights (data-weight, from forwardWithWeights in the browser) agree with its decomposition.
    for (let j = 0; j <= 9; j++) {
      const w = Number(await page.getByTestId(`w-9-${j}`).getAttribute('data-weight'));
      expect(Number(shown[j])).toBeCloseTo(w, 4);
    }
    expect(shown.slice(10).every((v) => Number(v) === 0)).toBe(true);
    const cell = decomposeCell(shipped.model, ids, 1, 2, 9, 4);
    expect(Number(await page.getByTestId('dot').textContent())).toBeCloseTo(cell.dots[4], 4);

    // Arrow keys move the selected cell: down to query 10, same key.
    await page.getByTestId('matrix').focus();
    await page.keyboard.press('ArrowDown');
    const moved = await page.getByTestId('decomposition').locator('[data-testid="softmax-4"]').textContent();
    expect(Number(moved)).toBeCloseTo(node.weights[1][2][10][4], 4);
    expect(errors).toEqual([]);
    await close();
  });

  it('recomputes for typed text, lists unknown characters, and toggles or isolates heads by mouse and keyboard', async () => {
    const { page, errors, close } = await app.open('#/attention');
    await page.getByTestId('decomposition').waitFor();
    await page.locator('#attn-text').fill('To be, or not to be~');
    await page.getByTestId('unknown').getByText('"~"').waitFor();
    await expect(page.getByTestId('headview').getByRole('button').count()).resolves.toBe('To be, or not to be'.length);

    await page.getByRole('button', { name: 'token 5 ,' }).hover();
    const lines = () => page.getByTestId('headview').locator('line').count();
    const all = await lines();
    expect(all).toBeGreaterThan(0);
    await page.getByTestId('head-0').dblclick();
    await expect(page.getByTestId('head-1').getAttribute('aria-pressed')).resolves.toBe('false');
    await page.getByRole('button', { name: 'token 5 ,' }).hover();
    expect(await lines()).toBeLessThan(all);
    // Keyboard: "i" on the isolated head restores every head; Enter toggles one off.
    await page.getByTestId('head-0').focus();
    await page.keyboard.press('i');
    await expect(page.getByTestId('head-1').getAttribute('aria-pressed')).resolves.toBe('true');
    await page.getByTestId('head-3').focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('head-3').getAttribute('aria-pressed')).resolves.toBe('false');
    expect(errors).toEqual([]);
    await close();
  });

  it('shows cross-attention for a typed sentence and highlights the source words of a hovered output word', async () => {
    const { page, errors, close } = await app.open('#/attention');
    await page.getByTestId('cross').waitFor();
    await page.locator('#s2s-text').fill('the girl dances');
    const outputs = page.getByTestId('cross').getByRole('group', { name: 'Output words' }).getByRole('button');
    await expect(outputs.first().textContent()).resolves.toBe('la');
    await outputs.nth(1).hover();
    const weights = await page
      .getByTestId('source-words')
      .locator('.word')
      .evaluateAll((spans) => spans.map((s) => Number(s.getAttribute('data-weight'))));
    expect(weights).toHaveLength(4);
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    await page.locator('#s2s-text').fill('the unicorn dances');
    await page.getByTestId('unknown-words').getByText('unicorn').waitFor();
    await expect(page.getByTestId('source-words').locator('.word').allTextContents()).resolves.toEqual(['the', '<unk>', 'dances', '<eos>']);
    expect(errors).toEqual([]);
    await close();
  });

  it('keeps its state in the URL: a reload shows the same text, heads and decomposed cell', async () => {
    const { page, errors, close } = await app.open('#/attention');
    await page.getByTestId('decomposition').waitFor();
    await page.locator('#attn-text').fill('To be, or not to be');
    await page.getByTestId('head-2').dblclick();
    await page.getByTestId('thumb-1-3').click();
    await page.getByTestId('w-7-2').click();
    const before = await page.getByTestId('decomposition').locator('[data-testid^="softmax-"]').allTextContents();
    expect(new URL(page.url()).hash).toContain('cell=1.3.7.2');
    await page.reload();
    await page.getByTestId('decomposition').waitFor();
    await expect(page.locator('#attn-text').inputValue()).resolves.toBe('To be, or not to be');
    await expect(page.getByTestId('head-2').getAttribute('aria-pressed')).resolves.toBe('true');
    await expect(page.getByTestId('head-0').getAttribute('aria-pressed')).resolves.toBe('false');
    await expect(page.getByTestId('decomposition').locator('[data-testid^="softmax-"]').allTextContents()).resolves.toEqual(before);
    expect(errors).toEqual([]);
    await close();
  });

  it('matches its screenshots in the light and dark themes', async () => {
    const { page, errors, close } = await app.open('#/attention');
    await page.getByTestId('decomposition').waitFor();
    await compareScreenshot(page, 'attention-light', { mask: [page.locator('nav'), page.getByTestId('facts')] });
    await page.getByRole('button', { name: 'Dark theme' }).click();
    await page.getByTestId('model-view').scrollIntoViewIfNeeded();
    await compareScreenshot(page, 'attention-dark', { mask: [page.locator('nav'), page.getByTestId('facts')] });
    expect(errors).toEqual([]);
    await close();
  });
});
