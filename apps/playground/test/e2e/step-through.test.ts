// e2e: the step-through shows the worked-example fixture's numbers to 4 decimals, steps by keyboard, recomputes on
// edits, shows LSTM/GRU gates, runs gradcheck, and matches its screenshots in light and dark themes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workedExampleGolden as fixture } from '@seqlab/test-utils/worked-example';
import { compareScreenshot, startPlayground, type Playground } from './harness.js';

const fixed4 = (v: number[]): string => `[${v.map((x) => x.toFixed(4)).join(', ')}]`;

describe('playground step-through (#/step)', () => {
  let app: Playground;
  beforeAll(async () => {
    app = await startPlayground();
  });
  afterAll(() => app?.close());

  it('shows the fixture h_1…h_3 to 4 decimals in both conventions and the hand-rounded chain', async () => {
    const { page, errors, close } = await app.open('#/step');
    const table = page.getByTestId('h-table');
    await table.waitFor();
    for (const [t, name] of [
      [1, 'h1'],
      [2, 'h2'],
      [3, 'h3'],
    ] as const) {
      await expect(page.getByTestId(`h-row-${t}`).textContent()).resolves.toBe(fixed4(fixture.outputs[name].data));
      await expect(page.getByTestId(`h-column-${t}`).textContent()).resolves.toBe(fixed4(fixture.alternatives.column_vector_convention.h_rounded_6dp[name]));
      await expect(page.getByTestId(`h-hand-${t}`).textContent()).resolves.toBe(
        fixed4(fixture.alternatives.row_convention_previous_h_rounded_to_2dp.h_4dp[name]),
      );
    }
    await expect(page.getByTestId('slip').textContent()).resolves.toContain('[0.37, 0.41], [0.76, 0.65], [0.74, 0.84]');
    expect(errors).toEqual([]);
    await close();
  });

  it('steps with the arrow keys; each step’s equation carries the library h; matches its screenshot', async () => {
    const { page, errors, close } = await app.open('#/step');
    await page.getByTestId('h-table').waitFor();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('step-index').textContent()).resolves.toBe('t = 2');
    const row = page.getByTestId('equations-row');
    // KaTeX keeps each number in one text run; the last line is h_2 = tanh(z_2) = [0.6857 0.6459].
    await expect(row.textContent()).resolves.toContain(fixture.outputs.h2.data[0].toFixed(4));
    await expect(row.textContent()).resolves.toContain(fixture.outputs.h2.data[1].toFixed(4));
    await page.keyboard.press('ArrowLeft');
    await expect(page.getByTestId('step-index').textContent()).resolves.toBe('t = 1');
    expect(page.url()).toContain('t=1');
    await compareScreenshot(page, 'step-rnn', { mask: [page.locator('nav')] });
    await page.getByRole('button', { name: 'Dark theme' }).click();
    await compareScreenshot(page, 'step-rnn-dark', { mask: [page.locator('nav')] });
    expect(errors).toEqual([]);
    await close();
  });

  it('recomputes when a weight is edited, and the reset restores the fixture', async () => {
    const { page, errors, close } = await app.open('#/step');
    const cell = page.getByTestId('h-row-2');
    await cell.waitFor();
    await page.getByLabel('W_hh[0][1]').fill('0');
    await page.getByLabel('W_hh[0][1]').press('Enter');
    await expect(cell.textContent()).resolves.not.toBe(fixed4(fixture.outputs.h2.data));
    await expect(page.getByTestId('h-row-1').textContent()).resolves.toBe(fixed4(fixture.outputs.h1.data)); // h_0 = 0: W_hh not used yet
    await page.getByRole('button', { name: 'Reset to the tutorial’s weights' }).click();
    await expect(cell.textContent()).resolves.toBe(fixed4(fixture.outputs.h2.data));
    // Home goes back to h_0; p plays through the three words and stops at the last.
    await page.locator('h1').click();
    await page.keyboard.press('Home');
    await expect(page.getByTestId('step-index').textContent()).resolves.toBe('t = 0');
    await page.keyboard.press('p');
    await page.getByTestId('step-index').getByText('t = 3').waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Play' }).waitFor();
    expect(errors).toEqual([]);
    await close();
  });

  it('shows LSTM gates and cell state, GRU gates, and a passing gradcheck', async () => {
    const { page, errors, close } = await app.open('#/step?model=lstm&t=3');
    await page.getByTestId('gated-table').waitFor();
    // KaTeX separates sub- and superscripts with zero-width spaces.
    expect((await page.getByTestId('equations-gated').textContent())?.replaceAll('\u200b', '')).toMatch(/c3=f3⊙c2\+i3⊙g3=/);
    await expect(page.getByTestId('c-3').textContent()).resolves.toMatch(/^\[-?\d\.\d{4}, -?\d\.\d{4}\]$/);
    await page.getByRole('button', { name: 'Run gradcheck' }).click();
    await page.getByTestId('gradcheck-result').waitFor();
    await expect(page.getByTestId('gradcheck-result').textContent()).resolves.toMatch(/pass\s+max relative error/);
    expect(Number(await page.getByTestId('gradcheck-rel').textContent())).toBeLessThan(1e-4);
    await page.evaluate(() => scrollTo(0, 0));
    await compareScreenshot(page, 'step-lstm', { mask: [page.locator('nav')] });
    // The model radios follow the arrow keys, as an ARIA radio group does.
    await page.getByRole('radio', { name: 'LSTM' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByRole('radio', { name: 'GRU' }).getAttribute('aria-checked')).resolves.toBe('true');
    await page.getByRole('columnheader', { name: 'n', exact: true }).waitFor();
    await expect(page.getByTestId('h-gated-3').textContent()).resolves.toMatch(/^\[-?\d\.\d{4}, -?\d\.\d{4}\]$/);
    expect(page.url()).toContain('model=gru');
    expect(errors).toEqual([]);
    await close();
  });
});
