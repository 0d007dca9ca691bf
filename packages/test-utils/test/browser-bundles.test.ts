// Every library package bundles for browsers (esbuild --platform=browser, no externals, no Node built-ins; Vite with no
// "externalized for browser compatibility" warning), and the built packages train language models in headless Chromium.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForBrowser, nodeBuiltinReferences, openBrowserPage, viteBuildPage, workspacePackages, type BrowserPage } from '@seqlab/test-utils';
import type { ModelRun, TrainResult } from './browser/train-lm.js';

// The benchmark package writes result files and spawns processes: a Node tool built on the libraries, not one of them.
const NODE_ONLY = new Set(['@seqlab/bench']);
const libraries = workspacePackages().filter((p) => !p.private && !NODE_ONLY.has(p.name));
// gpu.js 2.24.1's browser build carries its WebAssembly worker's source as a string whose Node branch reads
// `require('worker_threads')`: text that only a Node worker thread evaluates, never a browser.
const BUILTINS_IN_STRINGS: Readonly<Record<string, readonly string[]>> = { '@seqlab/kernels-gpu': ['worker_threads'] };
const entries = (kind: 'source' | 'dist'): Record<string, string> => Object.fromEntries(libraries.map((p) => [p.name, p[kind]]));

beforeAll(() => {
  const missing = libraries.filter((p) => !existsSync(p.dist)).map((p) => p.dist);
  if (missing.length > 0) throw new Error(`the browser bundle tests read the built packages; run 'pnpm build' first (missing ${missing.join(', ')})`);
});

describe('each library package bundles for browsers with esbuild', () => {
  it('covers the libraries', () => {
    const expected = ['@seqlab/tensor-core', '@seqlab/kernels-wasm', '@seqlab/autograd', '@seqlab/recurrent', '@seqlab/attention', '@seqlab/datasets'];
    expect(libraries.map((p) => p.name)).toEqual(expect.arrayContaining(expected));
  });

  describe.each(['source', 'dist'] as const)('from %s', (kind) => {
    it.each(libraries.map((p) => [p.name, p] as const))('%s: no externals, no Node built-ins', async (_, pkg) => {
      const bundle = await bundleForBrowser(pkg[kind], { resolve: entries(kind) });
      expect(bundle.externalImports).toEqual([]);
      const allowed = BUILTINS_IN_STRINGS[pkg.name] ?? [];
      expect(nodeBuiltinReferences(bundle).filter((name) => !allowed.includes(name))).toEqual([]);
      for (const name of allowed) expect(bundle.code.match(new RegExp(`require\\(['"]${name}['"]\\)`, 'g'))?.length, name).toBe(1);
      expect(bundle.code.length).toBeGreaterThan(1000);
    });
  });
});

describe('the built packages train language models in headless Chromium on the wasm backend', () => {
  let page: BrowserPage;
  let result: TrainResult;

  beforeAll(async () => {
    page = await openBrowserPage(fileURLToPath(new URL('./browser/train-lm.ts', import.meta.url)), { resolve: entries('dist'), title: 'seqlab training' });
    const run = await page.run<TrainResult>({ timeoutMs: 50_000 });
    expect(run.pageErrors).toEqual([]);
    result = run.result;
  }, 60_000);

  afterAll(async () => {
    await page?.close();
  });

  function expectTrainedAndRestored(run: ModelRun | undefined): void {
    expect(result.error).toBeUndefined();
    expect(run).toBeDefined();
    const { backend, losses, diffBeforeRestore, diffAfterRestore } = run!;
    expect(backend).toBe('wasm');
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)!).toBeLessThan(0.9 * losses[0]);
    // A fresh model (other seed) differs; restored from the checkpoint bytes it gives the trained model's logits exactly.
    expect(diffBeforeRestore).toBeGreaterThan(1e-3);
    expect(diffAfterRestore).toBe(0);
  }

  it('runs on the wasm backend in a cross-origin isolated page', () => {
    expect(result.error).toBeUndefined();
    expect(result.backend).toBe('wasm');
    expect(result.crossOriginIsolated).toBe(true);
  });

  it('trains an LSTM language model (@seqlab/recurrent): the loss falls and stays finite; checkpoint bytes restore it exactly', () => {
    expectTrainedAndRestored(result.lstm);
    expect(result.lstm!.config).toMatchObject({ embeddingDim: 16, hiddenSize: 32, cell: 'lstm' });
  });

  it('trains a Transformer language model (@seqlab/attention): the loss falls and stays finite; checkpoint bytes restore it exactly', () => {
    expectTrainedAndRestored(result.transformer);
    expect(result.transformer!.config).toMatchObject({ contextLength: 16, numLayers: 2, numHeads: 2, dModel: 32 });
  });

  it('saveCheckpoint and loadCheckpoint throw UnsupportedRuntimeError naming the bytes-based function', () => {
    const unsupported = (instead: string) => ({ unsupportedRuntime: true, code: 'UNSUPPORTED_RUNTIME', message: expect.stringContaining(instead) });
    expect(result.saveCheckpointError).toMatchObject(unsupported('encodeCheckpoint'));
    expect(result.loadCheckpointError).toMatchObject(unsupported('decodeCheckpoint'));
  });
});

describe('Vite', () => {
  it('builds a page importing @seqlab/recurrent with no module externalized for browser compatibility', async () => {
    const main = "import { RecurrentLM } from '@seqlab/recurrent';\nconsole.log(new RecurrentLM({ vocabSize: 5, embeddingDim: 4, hiddenSize: 4 }).config);\n";
    const { warnings, wroteHtml } = await viteBuildPage(main, entries('dist'));
    expect(wroteHtml).toBe(true);
    expect(warnings.filter((w) => w.includes('externalized for browser compatibility'))).toEqual([]);
  });
});
