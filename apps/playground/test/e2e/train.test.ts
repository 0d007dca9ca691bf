// e2e: live training in the worker (loss falls, the page never blocks), the URL round-trip, copy-as-CLI giving the
// CLI's losses, checkpoints moving between `seqlab train`/`generate` and the page, and the view's screenshot.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, CLI_BIN, compareScreenshot, DIST, longTasks, pageNow, startPlayground, updateDocScreenshot, type Playground } from './harness.js';

const run = promisify(execFile);

/** Runs the built CLI with `args`, returning its stdout. */
async function seqlab(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI_BIN, ...args], { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** Runs a page's "copy as CLI command" line (its `seqlab` word dropped) writing to `out`; returns the losses of its JSON step lines. */
async function cliStepLosses(command: string, out: string): Promise<number[]> {
  const stdout = await seqlab([...command.split(' ').slice(1), '--out', out]);
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { event: string; loss?: number })
    .filter((e) => e.event === 'step')
    .map((e) => e.loss as number);
}

/** Waits until the training view has its session (worker up, backend chosen, model built). */
async function trainReady(page: Page): Promise<void> {
  await page.locator('[data-testid=train-view][data-ready=true]').waitFor({ timeout: 60_000 });
}

/** Clicks "Step ×" with `n` steps and waits until the worker has reported them all; returns every loss so far. */
async function trainSteps(page: Page, n: number): Promise<number[]> {
  const before = await page.evaluate(() => (globalThis as { seqlabTrainLosses?: number[] }).seqlabTrainLosses?.length ?? 0);
  await page.getByTestId('step-count-input').fill(String(n));
  await page.getByTestId('step').click();
  await page.waitForFunction((want) => ((globalThis as { seqlabTrainLosses?: number[] }).seqlabTrainLosses?.length ?? 0) >= want, before + n, {
    timeout: 120_000,
  });
  await trainReady(page);
  return page.evaluate(() => [...((globalThis as { seqlabTrainLosses?: number[] }).seqlabTrainLosses ?? [])]);
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

// A small LSTM: 50 steps take about a second on the wasm backend.
const SMALL = 'model=lstm&hidden=32&batch=8&seq=32&seed=1';

// Steps of the gpu test: enough for the loss to fall at lr 0.02, few enough for SwiftShader.
const GPU_STEPS = 20;

describe('playground live training', () => {
  let app: Playground;
  let scratch: string;
  beforeAll(async () => {
    assertCliBuilt();
    app = await startPlayground();
    scratch = mkdtempSync(join(tmpdir(), 'seqlab-pg-e2e-'));
  });
  afterAll(async () => {
    await app?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('trains 50 steps in the worker on wasm threads: the loss falls and no main-thread task takes over 200 ms', async () => {
    const { page, errors, close } = await app.open(`#/train?${SMALL}`);
    await trainReady(page);
    await expect(page.getByTestId('backend-badge').textContent()).resolves.toMatch(/^wasm SIMD ×\d+ threads?$/);
    const trainingFrom = await pageNow(page);
    const losses = await trainSteps(page, 50);
    expect(losses).toHaveLength(50);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(mean(losses.slice(-10))).toBeLessThan(mean(losses.slice(0, 10)) - 0.2);
    expect(await page.getByTestId('step-count').textContent()).toBe('50');
    const tasks = await longTasks(page, trainingFrom);
    expect(Math.max(0, ...tasks)).toBeLessThan(200);
    await page.getByTestId('prompt').fill('ROMEO:');
    await page.getByTestId('sample').click();
    await page.getByTestId('sample-output').waitFor();
    await page.evaluate(() => scrollTo(0, 0));
    await updateDocScreenshot(page, 'docs/playground-train.png');
    // Tokens/s is a measurement and the thread count the host's: mask them.
    await compareScreenshot(page, 'train-50-steps', { mask: [page.locator('nav'), page.getByTestId('tokens-per-second'), page.getByTestId('backend-badge')] });
    expect(errors).toEqual([]);
    await close();
  });

  it('trains on one thread when the host sends no COOP/COEP headers', async () => {
    const { page, errors, close } = await app.open(`#/train?${SMALL}`, { isolated: false });
    await trainReady(page);
    await expect(page.getByTestId('backend-badge').textContent()).resolves.toBe('wasm SIMD ×1 thread (no cross-origin isolation)');
    expect((await trainSteps(page, 3)).length).toBe(3);
    expect(errors).toEqual([]);
    await close();
  });

  it('trains on gpu (kernels-gpu on SwiftShader) in the worker: the badge names the renderer as software rendering, the loss falls, and the CLI command (--backend gpu) reproduces it', async () => {
    // Tiny sizes: SwiftShader rasterises on the CPU, and each step runs dozens of shader programs.
    const { page, errors, close } = await app.open('#/train?model=lstm&hidden=16&batch=4&seq=16&lr=0.02&seed=1&backend=gpu');
    await trainReady(page);
    expect(await page.getByTestId('backend').inputValue()).toBe('gpu');
    const badge = (await page.getByTestId('backend-badge').textContent()) ?? '';
    expect(badge).toMatch(/^gpu \(webgl2\) — .*SwiftShader.* · software rendering$/);
    await expect(page.getByTestId('backend-fallback').count()).resolves.toBe(0);
    const losses = await trainSteps(page, GPU_STEPS);
    expect(losses).toHaveLength(GPU_STEPS);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(mean(losses.slice(-5))).toBeLessThan(mean(losses.slice(0, 5)) - 0.2);
    const command = (await page.getByTestId('cli-command').textContent()) ?? '';
    expect(command).toMatch(/ --backend gpu( |$)/);
    // The CLI's gpu (gpu.js's webasm mode in Node) prints the page's WebGL2 losses within float32 tolerance.
    const cliLosses = await cliStepLosses(command, join(scratch, 'cli-gpu'));
    expect(cliLosses).toHaveLength(GPU_STEPS);
    for (let i = 0; i < GPU_STEPS; i++) expect(cliLosses[i]).toBeCloseTo(losses[i], 3);
    expect(errors).toEqual([]);
    await close();
  });

  it('falls back to wasm visibly when gpu cannot start: the badge and the line under it say why, the CLI command says --backend wasm', async () => {
    // The training worker's lazily imported gpu chunk (kernels-gpu and gpu.js), refused by the network.
    const worker = readdirSync(join(DIST, 'assets')).find((f) => /^train\.worker-.*\.js$/.test(f)) ?? '';
    const gpuChunk = /import\(`\.\/([^`]+\.js)`\)/.exec(readFileSync(join(DIST, 'assets', worker), 'utf8'))?.[1];
    expect(gpuChunk).toBeDefined();
    const { page, errors, close } = await app.open('#/train');
    await trainReady(page);
    await page.route(`**/assets/${gpuChunk}`, (route) => route.abort());
    await page.getByTestId('backend').selectOption('gpu');
    await page.getByTestId('backend-fallback').waitFor({ timeout: 60_000 });
    await trainReady(page);
    expect(await page.getByTestId('backend-badge').textContent()).toMatch(/^wasm SIMD ×\d+ threads? \(gpu unavailable\)$/);
    expect(await page.getByTestId('backend-fallback').textContent()).toMatch(/^gpu could not start \(.+\); training on wasm instead$/);
    expect(await page.getByTestId('cli-command').textContent()).toMatch(/ --backend wasm( |$)/);
    expect(errors.filter((e) => !e.includes(gpuChunk ?? ''))).toEqual([]);
    await close();
  });

  it('trains every synthetic task in the worker and shows an example', async () => {
    const tasks = [
      ['copy', 'model=transformer&heads=2&taskLength=5'],
      ['adding', 'model=lstm&taskLength=10'],
      ['reversal', 'model=gru&taskLength=4&attention=0'],
      ['translation', 'model=gru&taskLength=4&attention=1'],
    ] as const;
    for (const [task, params] of tasks) {
      const { page, errors, close } = await app.open(`#/train?task=${task}&hidden=16&batch=4&seed=1&${params}`);
      await trainReady(page);
      expect(await page.getByTestId('task').inputValue()).toBe(task);
      const losses = await trainSteps(page, 10);
      expect(losses.every(Number.isFinite)).toBe(true);
      await page.getByTestId('example').click();
      const example = await page.getByTestId('example-output').textContent();
      expect(example).toMatch(/Input.+Target.+Model/s);
      if (task === 'copy') {
        await compareScreenshot(page, 'train-copy-task', {
          mask: [page.locator('nav'), page.getByTestId('tokens-per-second'), page.getByTestId('backend-badge')],
        });
      }
      expect(errors).toEqual([]);
      await close();
    }
  });

  it('round-trips its state through the URL: state → URL → reload → same state', async () => {
    const hash = '#/train?model=gru&hidden=24&layers=2&batch=4&seq=20&lr=0.005&seed=42&backend=cpu&temperature=0.5&topK=5&topP=0.9';
    const { page, errors, close } = await app.open(hash);
    await trainReady(page);
    const canonical =
      'task=charlm&model=gru&hidden=24&layers=2&heads=4&batch=4&seq=20&lr=0.005&weightDecay=0.01&clip=1&seed=42&backend=cpu&temperature=0.5&topK=5&topP=0.9&taskLength=1&attention=0';
    expect(new URL(page.url()).hash).toBe(`#/train?${canonical}`);
    await expect(page.getByTestId('backend-badge').textContent()).resolves.toBe('cpu');
    // Change the seed in the page: the URL follows, and a reload restores it.
    await page.getByTestId('seed').fill('43');
    await page.getByTestId('seed').press('Enter');
    await trainReady(page);
    expect(new URL(page.url()).hash).toBe(`#/train?${canonical.replace('seed=42', 'seed=43')}`);
    await page.reload();
    await trainReady(page);
    expect(new URL(page.url()).hash).toBe(`#/train?${canonical.replace('seed=42', 'seed=43')}`);
    expect(await page.getByTestId('seed').inputValue()).toBe('43');
    expect(await page.getByTestId('model').inputValue()).toBe('gru');
    expect(await page.getByTestId('backend').inputValue()).toBe('cpu');
    expect(errors).toEqual([]);
    await close();
  });

  it('names the URL values it could not use', async () => {
    const { page, errors, close } = await app.open('#/train?model=lstm&lr=-1&seed=abc');
    await trainReady(page);
    const alert = await page.getByRole('alert').textContent();
    expect(alert).toContain('lr must be in (0, 1]; received -1');
    expect(alert).toContain('seed must be a number; received "abc"');
    expect(errors).toEqual([]);
    await close();
  });

  it('copy as CLI command: the built CLI, run for the same steps, prints the same losses', async () => {
    for (const model of ['lstm', 'transformer']) {
      const { page, errors, close } = await app.open(`#/train?model=${model}&hidden=32&batch=4&seq=16&seed=11`);
      await trainReady(page);
      const losses = await trainSteps(page, 5);
      const command = (await page.getByTestId('cli-command').textContent()) ?? '';
      expect(command).toMatch(new RegExp(`^seqlab train --model ${model} --data tinyshakespeare --steps 5 `));
      const cliLosses = await cliStepLosses(command, join(scratch, `cli-${model}`));
      expect(cliLosses).toHaveLength(5);
      // Same weights, batches and kernels: the same float32 losses (a tolerance only for thread-count effects).
      for (let i = 0; i < 5; i++) expect(cliLosses[i]).toBeCloseTo(losses[i], 5);
      expect(errors).toEqual([]);
      await close();
    }
  });

  it('a checkpoint written by seqlab train imports and generates what seqlab generate does; an exported one generates the same in the CLI', async () => {
    const dir = join(scratch, 'cli-gru');
    await seqlab([
      'train',
      '--model',
      'gru',
      '--steps',
      '3',
      '--batch',
      '4',
      '--seq',
      '16',
      '--hidden',
      '16',
      '--seed',
      '5',
      '--backend',
      'wasm',
      '--out',
      dir,
      '--json',
    ]);
    const generateArgs = ['--prompt', 'ROMEO:', '--length', '60', '--seed', '9', '--temperature', '0.8', '--backend', 'wasm', '--json'];
    const cliText = (JSON.parse(await seqlab(['generate', '--checkpoint', join(dir, 'checkpoint.safetensors'), ...generateArgs])) as { text: string }).text;

    const { page, errors, close } = await app.open('#/train?seed=9&temperature=0.8&topK=0&topP=1');
    await trainReady(page);
    await page.getByTestId('import').setInputFiles(join(dir, 'checkpoint.safetensors'));
    await page.waitForFunction(() => document.querySelector('[data-testid=step-count]')?.textContent === '3');
    await trainReady(page);
    expect(await page.getByTestId('model').inputValue()).toBe('gru');
    await page.getByTestId('prompt').fill('ROMEO:');
    await page.getByLabel('Length').fill('60');
    await page.getByTestId('sample').click();
    const pageText = await page.getByTestId('sample-output').textContent();
    expect(pageText).toBe(`ROMEO:${cliText}`);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export').click()]);
    const exported = join(scratch, 'exported.safetensors');
    await download.saveAs(exported);
    const roundTrip = (JSON.parse(await seqlab(['generate', '--checkpoint', exported, ...generateArgs])) as { text: string }).text;
    expect(roundTrip).toBe(cliText);
    expect(errors).toEqual([]);
    await close();
  });
});
