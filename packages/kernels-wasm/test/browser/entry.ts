// Runs in a browser page (bundled by test/browser.test.ts): large matmuls on the wasm backend, with Web Workers when
// the page is cross-origin isolated, and a few Adam steps (resident parameters where memory is shared), checked
// against the cpu backend; the outcome goes to `window.seqlabResult`.
import { div, fusedKernel, matmul, randn, tensor, Generator, getBackend, zerosLike } from '@seqlab/tensor-core';
import { ready, setThreads, setWasmBuild, wasmBuildInfo, wasmHeapStats, wasmThreadInfo } from '@seqlab/kernels-wasm';

/** What the page reports back to the test. */
export interface BrowserResult {
  backend: string;
  crossOriginIsolated: boolean;
  info: ReturnType<typeof wasmThreadInfo>;
  /** The kernel build that ran and the builds available (Chromium has relaxed SIMD: fma). */
  build: ReturnType<typeof wasmBuildInfo> | null;
  /**
   * The distinct entries of a 512×512 product (depth 64, shared with the workers) whose every entry is −1 + a·a for
   * a = 1 + 2^-12: 2^-11 + 2^-24 where each thread fuses the multiply-add, 2^-11 where it rounds a·a first.
   */
  roundingProbe: number[];
  /** The same product after `setWasmBuild('plain')`, then after `setWasmBuild('fma')`: the workers follow each switch. */
  switched: { plain: number[]; fma: number[] } | null;
  /** Largest |wasm − cpu| over every product, relative to the largest |cpu| value of that product. */
  worstRelativeError: number;
  /** Largest |wasm − float64 reference| of a parameter after 5 fused Adam steps whose activations grow wasm memory. */
  adamError: number;
  /** Bytes of resident storages (the parameter and moments the Adam steps returned) after those steps. */
  residentBytes: number;
  error?: string;
}

function roundingProbe(): number[] {
  const [m, n, k, a] = [512, 512, 64, 1 + 2 ** -12];
  const x = new Float32Array(m * k),
    y = new Float32Array(k * n);
  for (let i = 0; i < m; i++) x.set([1, a], i * k);
  y.fill(-1, 0, n);
  y.fill(a, n, 2 * n);
  const c = matmul(tensor(x, [m, k], { backend: 'wasm' }), tensor(y, [k, n], { backend: 'wasm' })).dataSync();
  return [...new Set(c)];
}

// Five fused Adam steps on a 256×256 parameter whose gradient comes from [512, 256] activations (memory grows
// meanwhile); returns the largest difference from the same steps in float64 JavaScript on the same gradients.
function adamError(): number {
  const adam = fusedKernel(getBackend('wasm'), 'adamStep')!;
  const x = randn([512, 256], { generator: new Generator(2), backend: 'wasm' });
  let p = randn([256, 256], { generator: new Generator(1), backend: 'wasm' });
  let m = zerosLike(p),
    v = zerosLike(p);
  const ref = Float64Array.from(p.dataSync()),
    refM = new Float64Array(ref.length),
    refV = new Float64Array(ref.length);
  const hyper = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false };
  for (let step = 1; step <= 5; step++) {
    const grad = div(matmul(x, matmul(x, p), { transA: true }), 512);
    ({ param: p, expAvg: m, expAvgSq: v } = adam(p, grad, m, v, { ...hyper, step }));
    const g = grad.dataSync();
    for (let i = 0; i < ref.length; i++) {
      refM[i] = 0.9 * refM[i] + 0.1 * g[i];
      refV[i] = 0.999 * refV[i] + 0.001 * g[i] * g[i];
      ref[i] -= (0.01 * refM[i]) / (1 - 0.9 ** step) / (Math.sqrt(refV[i] / (1 - 0.999 ** step)) + 1e-8);
    }
  }
  return p.dataSync().reduce((worst, value, i) => Math.max(worst, Math.abs(value - ref[i])), 0);
}

async function run(): Promise<BrowserResult> {
  setThreads(2);
  // A browser's main thread compiles the module asynchronously; ready() also waits for the workers.
  await ready();
  const gen = new Generator(5);
  let worst = 0;
  const cases: [number[], number[], boolean, boolean][] = [
    [[300, 200], [200, 260], false, false],
    [[200, 300], [200, 260], true, false],
    [[300, 200], [260, 200], false, true],
    [[4, 96, 130], [4, 130, 170], false, false],
  ];
  for (let repeat = 0; repeat < 20; repeat++) {
    for (const [sa, sb, transA, transB] of cases) {
      const a = randn(sa, { generator: gen, backend: 'wasm' });
      const b = randn(sb, { generator: gen, backend: 'wasm' });
      const got = matmul(a, b, { transA, transB }).dataSync();
      const want = matmul(a.to('cpu'), b.to('cpu'), { transA, transB }).dataSync();
      let scale = 0,
        diff = 0;
      for (let i = 0; i < want.length; i++) {
        scale = Math.max(scale, Math.abs(want[i]));
        diff = Math.max(diff, Math.abs(got[i] - want[i]));
      }
      worst = Math.max(worst, diff / scale);
    }
  }
  const build = wasmBuildInfo();
  const probe = roundingProbe();
  let switched: BrowserResult['switched'] = null;
  if (build.available.includes('fma')) {
    await setWasmBuild('plain');
    const plain = roundingProbe();
    await setWasmBuild('fma');
    switched = { plain, fma: roundingProbe() };
  }
  const adam = adamError();
  return {
    backend: getBackend().name,
    crossOriginIsolated: globalThis.crossOriginIsolated,
    info: wasmThreadInfo(),
    build,
    roundingProbe: probe,
    switched,
    worstRelativeError: worst,
    adamError: adam,
    residentBytes: wasmHeapStats().residentBytes,
  };
}

(globalThis as { seqlabResult?: Promise<BrowserResult> }).seqlabResult = run().catch((e: unknown) => ({
  backend: '',
  crossOriginIsolated: globalThis.crossOriginIsolated,
  info: { threads: 0, readyWorkers: 0, sharedMemory: false, workerChunks: 0, busyMs: 0 },
  build: null,
  roundingProbe: [],
  switched: null,
  worstRelativeError: NaN,
  adamError: NaN,
  residentBytes: NaN,
  error: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
}));
