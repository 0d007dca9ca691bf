// e2e: the /bench page measures in a Worker (the page keeps answering), prints the renderer (labelled when it is a
// software one) and a JSON report whose numbers are the ones in the table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchReport } from '../../src/lib/bench.js';
import { compareScreenshot, longTasks, startPlayground, type Playground } from './harness.js';

describe('bench page', () => {
  let app: Playground;
  beforeAll(async () => {
    app = await startPlayground();
  });
  afterAll(() => app?.close());

  it('measures every backend off the main thread and reports the environment as JSON', async () => {
    const { page, errors, close } = await app.open('#/bench?quick=1');
    await page.getByTestId('run').click();
    // While the Worker measures, the page still runs script promptly.
    await page
      .getByTestId('status')
      .getByText(/matmul|LSTM/)
      .waitFor();
    const started = Date.now();
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 10)));
    expect(Date.now() - started).toBeLessThan(1000);
    await page.getByTestId('json').waitFor({ timeout: 120_000 });
    const report = JSON.parse((await page.getByTestId('json').textContent()) ?? '') as BenchReport;
    expect(report.environment.backends).toEqual(expect.arrayContaining(['cpu', 'wasm']));
    expect(report.environment.crossOriginIsolated).toBe(true);
    expect(report.environment.wasmThreads).toBeGreaterThanOrEqual(1);
    expect(report.environment.skipped.gpu).toMatch(/kernels-gpu/);
    const cases = report.results.map((r) => `${r.backend} ${r.case}`);
    for (const backend of ['cpu', 'wasm']) {
      expect(cases).toEqual(expect.arrayContaining([`${backend} matmul 64×64`, `${backend} matmul 128×128`, `${backend} LSTM LM training step`]));
    }
    for (const r of report.results) {
      expect(r.value).toBeGreaterThan(0);
      expect(r.runs).toBeGreaterThanOrEqual(2);
    }
    await expect(page.getByTestId('results').locator('tbody tr').count()).resolves.toBe(report.results.length);
    // Headless Chromium renders WebGL2 with SwiftShader: the page must say so.
    if (report.environment.renderer !== null) {
      await expect(page.getByTestId('renderer').textContent()).resolves.toContain(report.environment.renderer);
      if (/swiftshader/i.test(report.environment.renderer)) {
        expect(report.environment.softwareRenderer).toBe(true);
        await page
          .getByTestId('renderer')
          .getByText(/software renderer/)
          .waitFor();
      }
    }
    expect(Math.max(0, ...(await longTasks(page)))).toBeLessThan(200);
    // The numbers, the host's renderer and the report are the machine's: the screenshot checks the layout around them.
    const machine = [page.locator('nav'), page.getByTestId('results').locator('td'), page.getByTestId('environment').locator('dd'), page.getByTestId('json')];
    await compareScreenshot(page, 'bench-light', { mask: machine });
    await page.getByRole('button', { name: 'Dark theme' }).click();
    await compareScreenshot(page, 'bench-dark', { mask: machine });
    expect(errors).toEqual([]);
    await close();
  });
});
