// e2e: the /bench page measures in a Worker (the page keeps answering), prints the renderer (labelled when it is a
// software one), gpu included (kernels-gpu on SwiftShader, labelled software rendering), and a JSON report whose numbers are the ones in the table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchReport } from '../../src/lib/bench.js';
import { compareScreenshot, longTasks, startPlayground, type Playground } from './harness.js';

describe('bench page', () => {
  let app: Playground;
  beforeAll(async () => {
    app = await startPlayground();
  });
  afterAll(() => app?.close());

  // gpu on SwiftShader compiles its kernels and runs slowly: the test measures three backends.
  it('measures every backend off the main thread and reports the environment as JSON', { timeout: 120_000 }, async () => {
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
    expect(report.environment.backends).toEqual(expect.arrayContaining(['cpu', 'wasm', 'gpu']));
    expect(report.environment.crossOriginIsolated).toBe(true);
    expect(report.environment.wasmThreads).toBeGreaterThanOrEqual(1);
    // kernels-gpu starts on headless Chromium's WebGL2 (SwiftShader) in the Worker and is measured like the others.
    expect(report.environment.skipped).toEqual({});
    expect(report.environment.gpu).toMatchObject({ mode: 'webgl2', renderer: report.environment.renderer, software: true });
    const cases = report.results.map((r) => `${r.backend} ${r.case}`);
    for (const backend of ['cpu', 'wasm', 'gpu']) {
      expect(cases).toEqual(
        expect.arrayContaining([`${backend} matmul 64×64`, `${backend} matmul 128×128`, `${backend} LSTM LM training step (batch 4 × 16, hidden 32)`]),
      );
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
    // Every gpu row is labelled with the renderer, and as software rendering on SwiftShader.
    const gpuRows = page.getByTestId('result-backend').filter({ hasText: /^gpu/ });
    await expect(gpuRows.count()).resolves.toBe(report.results.filter((r) => r.backend === 'gpu').length);
    for (const label of await gpuRows.allTextContents()) expect(label).toBe(`gpu (webgl2) — ${report.environment.gpu?.renderer} · software rendering`);
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
