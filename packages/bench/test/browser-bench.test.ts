// bench:browser: renderer classification, the command line, targets never judged on software rendering, the report's
// labels, and one tiny run of the real page in headless Chromium (SwiftShader) with every contender.
import { describe, expect, it } from 'vitest';
import { parseBrowserBenchArgs } from '../src/browser-bench/cli-options.js';
import { renderBrowserMarkdown } from '../src/browser-bench/report.js';
import { renderingOf } from '../src/browser-bench/renderer.js';
import { gpuLaunchArgs, runBrowserBenchmark } from '../src/browser-bench/runner.js';
import {
  DEFAULT_BROWSER_CONFIG,
  QUICK_BROWSER_CONFIG,
  type BrowserBenchReport,
  type BrowserBenchRow,
  type RowRendering,
} from '../src/browser-bench/settings.js';
import { checkBrowserTargets } from '../src/browser-bench/targets.js';

describe('renderer classification', () => {
  it.each([
    ['ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)', 'software'],
    ['Google SwiftShader', 'software'],
    ['llvmpipe (LLVM 15.0.6, 256 bits)', 'software'],
    ['ANGLE (Mesa, lavapipe (LLVM 15.0.6), Vulkan 1.3)', 'software'],
    ['ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11 vs_5_0 ps_5_0, D3D11)', 'software'],
    ['ANGLE (NVIDIA Corporation, NVIDIA H100 80GB HBM3/PCIe/SSE2, OpenGL 4.5.0)', 'gpu'],
    ['ANGLE (Apple, ANGLE Metal Renderer: Apple M2, Unspecified Version)', 'gpu'],
    ['', 'none'],
  ])('%s is %s', (renderer, rendering) => {
    expect(renderingOf(renderer)).toBe(rendering);
  });
});

describe('the command line', () => {
  it('--quick is matmul 256 with small training shapes; options override it', () => {
    const quick = parseBrowserBenchArgs(['--', '--quick']);
    expect(quick.mode).toBe('software');
    expect(quick.config).toEqual(QUICK_BROWSER_CONFIG);
    const args = parseBrowserBenchArgs(['--quick', '--cases', 'lstm,matmul', '--sizes', '64,128', '--runs', '2', '--budget', '4']);
    expect(args.config).toMatchObject({ cases: ['matmul', 'lstm'], sizes: [64, 128], matmulRuns: 2, trainingRuns: 2, budgetMs: 4000 });
    expect(parseBrowserBenchArgs([]).config).toEqual(DEFAULT_BROWSER_CONFIG);
    expect(DEFAULT_BROWSER_CONFIG.sizes).toEqual([256, 512, 1024]);
  });

  it('--gpu launches with hardware rendering flags and no SwiftShader', () => {
    const args = parseBrowserBenchArgs(['--gpu', '--angle', 'vulkan']);
    expect(args).toMatchObject({ mode: 'gpu', angle: 'vulkan' });
    const flags = gpuLaunchArgs('vulkan');
    expect(flags).toEqual(expect.arrayContaining(['--enable-gpu', '--ignore-gpu-blocklist', '--disable-software-rasterizer', '--use-angle=vulkan']));
    expect(flags.join(' ')).not.toMatch(/swiftshader/i);
    expect(gpuLaunchArgs().some((f) => f.startsWith('--use-angle'))).toBe(false);
  });

  it('refuses unknown cases and contenders, bad counts, and --angle without --gpu, naming the option', () => {
    expect(() => parseBrowserBenchArgs(['--cases', 'matmul,conv'])).toThrow(/--cases holds unknown entry 'conv'.*matmul, lstm, transformer/);
    expect(() => parseBrowserBenchArgs(['--contenders', 'tfjs-wasm'])).toThrow(/--contenders holds unknown entry 'tfjs-wasm'/);
    expect(() => parseBrowserBenchArgs(['--runs', '0'])).toThrow(/'--runs'.*received 0/);
    expect(() => parseBrowserBenchArgs(['--angle', 'gl'])).toThrow(/--angle 'gl' needs --gpu/);
    expect(() => parseBrowserBenchArgs(['--bogus'])).toThrow(/Unknown option '--bogus'/);
  });
});

/** Matmul 1024 and training rows of the three contenders, the GPU ones rendered as `rendering`. */
function rows(rendering: RowRendering, gpuGflops: number): BrowserBenchRow[] {
  const common = { threads: 1, medianMs: 1, runs: 5, note: null };
  const out: BrowserBenchRow[] = [];
  for (const layout of ['nn', 'tn', 'nt']) {
    const matmul = { ...common, case: `matmul-${layout}`, size: 1024, chain: 8 };
    out.push({ ...matmul, library: 'seqlab', backend: 'gpu', gflops: gpuGflops, rendering });
    out.push({ ...matmul, library: 'seqlab', backend: 'wasm', threads: 2, gflops: 40, rendering: 'cpu' });
    out.push({ ...matmul, library: 'tfjs', backend: 'webgl', gflops: 100, rendering });
  }
  for (const [name, size] of [
    ['lstm-train-step', 100],
    ['transformer-train-step', 100],
  ] as const) {
    const step = { ...common, case: name, size, chain: null };
    out.push({ ...step, library: 'seqlab', backend: 'gpu', tokensPerSec: 30_000, rendering });
    out.push({ ...step, library: 'seqlab', backend: 'wasm', threads: 2, tokensPerSec: 10_000, rendering: 'cpu' });
    out.push({ ...step, library: 'tfjs', backend: 'webgl', tokensPerSec: 20_000, rendering });
  }
  return out;
}

describe('targets', () => {
  it('are never judged on software rendering, however the numbers compare', () => {
    const targets = checkBrowserTargets(rows('software', 500), DEFAULT_BROWSER_CONFIG);
    expect(targets).toHaveLength(5);
    for (const t of targets) {
      expect(t.met).toBeNull();
      expect(t.measured).toMatch(/^not judged: software rendering/);
    }
  });

  it('are judged on GPU rows: matmul 1024 ≥ 2× TF.js WebGL, training faster than TF.js WebGL and seqlab wasm', () => {
    const met = checkBrowserTargets(rows('gpu', 250), DEFAULT_BROWSER_CONFIG);
    expect(met.map((t) => t.met)).toEqual([true, true, true, true, true]);
    expect(met[0].value).toBeCloseTo(2.5);
    expect(met[3].value).toBeCloseTo(1.5); // 30,000 over the faster other, TF.js's 20,000
    const notMet = checkBrowserTargets(rows('gpu', 150), DEFAULT_BROWSER_CONFIG);
    expect(notMet.slice(0, 3).map((t) => t.met)).toEqual([false, false, false]);
  });

  it('are not measured when a contender failed or the shapes differ from bench:kernels', () => {
    const failed = rows('gpu', 250).map((r) => (r.backend === 'gpu' && r.case === 'matmul-nn' ? { ...r, gflops: null, note: 'failed: x' } : r));
    expect(checkBrowserTargets(failed, DEFAULT_BROWSER_CONFIG)[0]).toMatchObject({ met: null, measured: 'not measured: a contender failed' });
    const quick = checkBrowserTargets(rows('gpu', 250), QUICK_BROWSER_CONFIG);
    expect(quick[3]).toMatchObject({ met: null, measured: 'not measured: this run used a different shape' });
  });
});

function reportOf(rendering: RowRendering, renderer: string, gpuGflops = 250): BrowserBenchReport {
  const results = rows(rendering, gpuGflops);
  return {
    environment: {
      date: '2026-01-01T00:00:00.000Z',
      node: 'v20.0.0',
      platform: 'linux-x64',
      cpu: 'Example CPU',
      cores: 2,
      loadAverage: { before: 0.5, after: 0.5 },
      chromium: { version: '153.0', source: 'debian', executable: '/usr/bin/chromium', launch: rendering === 'gpu' ? 'gpu' : 'software', args: [] },
      page: { userAgent: 'Chrome', crossOriginIsolated: true, hardwareConcurrency: 2 },
      webgl: { renderer, vendor: 'Google Inc.', version: 'WebGL 2.0', maxTextureSize: 8192, floatRenderTarget: true },
      rendering: rendering === 'cpu' ? 'none' : rendering,
      contenders: [{ name: 'tfjs-webgl', label: 'tfjs webgl', threads: 1, info: { version: '4.22.0' }, rendering }],
      pageErrors: [],
    },
    settings: DEFAULT_BROWSER_CONFIG,
    results,
    targets: checkBrowserTargets(results, DEFAULT_BROWSER_CONFIG),
  };
}

describe('the Markdown report', () => {
  it('on SwiftShader names the renderer, labels every GPU column "software rendering" and draws no conclusion', () => {
    const md = renderBrowserMarkdown(reportOf('software', 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)'));
    expect(md).toContain('Renderer: `ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)`');
    expect(md).toContain('**Software rendering**');
    expect(md).toContain('no conclusion about GPU speed is drawn from them');
    expect(md).toContain('| case | size | seqlab gpu (software rendering) | seqlab wasm ×2 | tfjs webgl (software rendering) |');
    expect(md).not.toMatch(/\(GPU\)/);
    expect(md).toContain('| matmul-nn | 1024 | 250.0 | 40.0 | 100.0 | 2.50× | 6.25× |');
    expect(md).toMatch(/not judged: software rendering.*\| not judged \|/);
    expect(md).toContain('one readback');
    // Software GFLOP/s far below 0.1 keep two significant digits instead of reading 0.0.
    const slow = renderBrowserMarkdown(reportOf('software', 'Google SwiftShader', 0.0118));
    expect(slow).toContain('| matmul-nn | 1024 | 0.012 | 40.0 | 100.0 | 0.00012× | 0.00030× |');
  });

  it('on a GPU labels the columns "GPU" and judges the targets', () => {
    const md = renderBrowserMarkdown(reportOf('gpu', 'ANGLE (NVIDIA Corporation, NVIDIA H100 80GB HBM3/PCIe/SSE2, OpenGL 4.5.0)'));
    expect(md).toContain('| case | size | seqlab gpu (GPU) | seqlab wasm ×2 | tfjs webgl (GPU) |');
    expect(md).not.toContain('software rendering');
    expect(md).toMatch(/matmul-nn at 1024.*2\.50×.*\| met \|/);
  });
});

describe('a tiny run in headless Chromium (SwiftShader)', () => {
  it('runs every contender on every case in one cross-origin isolated page and labels the WebGL rows software rendering', async () => {
    const lines: string[] = [];
    const report = await runBrowserBenchmark({
      config: {
        ...QUICK_BROWSER_CONFIG,
        sizes: [32],
        matmulRuns: 1,
        trainingRuns: 1,
        warmup: 0,
        chainTargetMs: 1,
        lstm: { batch: 2, length: 3, vocabSize: 8, embeddingSize: 4, hiddenSize: 4 },
        transformer: { batch: 1, length: 3, dModel: 8, heads: 2, ffnWidth: 8, vocabSize: 8, causal: true },
      },
      log: (line) => lines.push(line),
    });
    const env = report.environment;
    expect(env.page.crossOriginIsolated).toBe(true);
    expect(env.rendering).toBe('software');
    expect(lines.some((l) => /^renderer: .*SwiftShader/.test(l))).toBe(true);
    expect(env.pageErrors).toEqual([]);
    for (const c of env.contenders) expect(c.error, c.label).toBeUndefined();
    // Chromium has relaxed SIMD: the seqlab wasm rows are the fused multiply-add build's.
    expect(env.contenders.find((c) => c.name === 'seqlab-wasm')?.info.build).toBe('fma');
    const cases = ['matmul-nn', 'matmul-tn', 'matmul-nt', 'lstm-train-step', 'transformer-train-step'];
    for (const name of cases) {
      for (const [library, backend] of [
        ['seqlab', 'gpu'],
        ['seqlab', 'wasm'],
        ['tfjs', 'webgl'],
      ]) {
        const row = report.results.find((r) => r.case === name && r.library === library && r.backend === backend);
        expect(row, `${library} ${backend} ${name}`).toBeDefined();
        expect(row!.note ?? '', `${library} ${backend} ${name}`).not.toMatch(/^failed/);
        expect(row!.medianMs).toBeGreaterThan(0);
        expect(row!.rendering).toBe(backend === 'wasm' ? 'cpu' : 'software');
      }
    }
    expect(report.targets.every((t) => t.met === null)).toBe(true);
  }, 180_000);
});
