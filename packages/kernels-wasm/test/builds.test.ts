// The two kernel builds: relaxed-SIMD detection, which build runs (auto, SEQLAB_WASM_BUILD, setWasmBuild), and the FMA
// build's results against the plain build's. In the `node` project (Node 20, no flag) the FMA cases are skipped
// unless the host has relaxed SIMD; the `node-fma` project (--experimental-wasm-relaxed-simd) runs them all.
import '@seqlab/autograd';
import { LayerNorm } from '@seqlab/autograd';
import { scaledDotProductAttention } from '@seqlab/attention';
import { GRU, LSTM } from '@seqlab/recurrent';
import { add, gelu, Generator, InvalidArgumentError, matmul, mul, randn, sigmoid, softmax, sum, tanh, tensor, type Tensor } from '@seqlab/tensor-core';
import { initWasm, setThreads, setWasmBuild, wasmBuildInfo, wasmThreadInfo, type WasmBuild } from '@seqlab/kernels-wasm';
import { expectClose } from '@seqlab/test-utils/suites';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILD_ENV, envChoice, resolveBuild } from '../src/builds.js';
import { runtime } from '../src/context.js';
import { hasRelaxedSimd } from '../src/features.js';
import { kernelBytes } from '../src/module-bytes.js';

if ((await initWasm()) === undefined) throw new Error('the wasm backend needs WebAssembly SIMD, which this host lacks');

const RELAXED = hasRelaxedSimd();
const AT_START = wasmBuildInfo();
const FLAGGED = process.execArgv.includes('--experimental-wasm-relaxed-simd');
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

afterAll(async () => {
  await setWasmBuild(AT_START.build);
});

describe('feature detection', () => {
  it('finds relaxed SIMD exactly where the FMA build compiles, and SIMD wherever the plain build does', () => {
    expect(WebAssembly.validate(kernelBytes('plain') as BufferSource)).toBe(true);
    expect(RELAXED).toBe(WebAssembly.validate(kernelBytes('fma') as BufferSource));
  });

  it('finds relaxed SIMD in Node 22+ and in Node 20 started with --experimental-wasm-relaxed-simd, not in plain Node 20', () => {
    expect(RELAXED).toBe(NODE_MAJOR >= 22 || FLAGGED);
    expect(AT_START.available).toEqual(RELAXED ? ['plain', 'fma'] : ['plain']);
  });

  it('the two builds differ in their multiply-adds only: the same exports, and relaxed_madd only in the FMA build', () => {
    const plain = new WebAssembly.Module(kernelBytes('plain') as BufferSource);
    const exportsOf = (m: WebAssembly.Module): string[] => WebAssembly.Module.exports(m).map((e) => `${e.kind} ${e.name}`);
    // f32x4.relaxed_madd is 0xfd 0x85 0x02.
    const count = (bytes: Uint8Array): number => bytes.reduce((n, b, i) => n + (b === 0xfd && bytes[i + 1] === 0x85 && bytes[i + 2] === 0x02 ? 1 : 0), 0);
    expect(count(kernelBytes('plain'))).toBe(0);
    expect(count(kernelBytes('fma'))).toBeGreaterThan(20);
    if (RELAXED) expect(exportsOf(new WebAssembly.Module(kernelBytes('fma') as BufferSource))).toEqual(exportsOf(plain));
  });
});

describe('choosing the build', () => {
  it('starts on the fastest available build unless SEQLAB_WASM_BUILD or setWasmBuild names one', () => {
    const env = envChoice();
    expect(AT_START.chosenBy).toBe(env === undefined ? 'auto' : BUILD_ENV);
    const expected = env === undefined || env === 'auto' ? (RELAXED ? 'fma' : 'plain') : env;
    expect(AT_START.build).toBe(expected);
  });

  it(`reads ${BUILD_ENV} trimmed, an empty value as unset`, () => {
    const saved = process.env[BUILD_ENV];
    try {
      process.env[BUILD_ENV] = ' plain ';
      expect(envChoice()).toBe('plain');
      process.env[BUILD_ENV] = '';
      expect(envChoice()).toBeUndefined();
      delete process.env[BUILD_ENV];
      expect(envChoice()).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env[BUILD_ENV];
      else process.env[BUILD_ENV] = saved;
    }
  });

  it('rejects a value that is not a build, naming where it came from', () => {
    expect(() => setWasmBuild('avx' as WasmBuild)).toThrow(InvalidArgumentError);
    expect(() => setWasmBuild('avx' as WasmBuild)).toThrow(/setWasmBuild: argument 'build' must be one of 'plain', 'fma', 'auto'; received "avx"/);
    expect(() => resolveBuild('FMA', `the environment variable ${BUILD_ENV}`)).toThrow(
      /the environment variable SEQLAB_WASM_BUILD must be one of .*received "FMA"/,
    );
    expect(() => resolveBuild(2, 'x')).toThrow(/received 2/);
    expect(wasmBuildInfo().build).toBe(AT_START.build);
  });

  it.runIf(!RELAXED)('refuses the FMA build where relaxed SIMD is missing, saying how Node 20 gets it', () => {
    expect(() => setWasmBuild('fma')).toThrow(
      /'fma' build needs WebAssembly relaxed SIMD, which this host lacks \(available: plain; .*--experimental-wasm-relaxed-simd/,
    );
    expect(wasmBuildInfo().build).toBe('plain');
  });

  it('auto picks the fastest available build', async () => {
    expect(await setWasmBuild('auto')).toBe(RELAXED ? 'fma' : 'plain');
    expect(wasmBuildInfo()).toEqual({ build: RELAXED ? 'fma' : 'plain', available: AT_START.available, chosenBy: 'setWasmBuild' });
  });

  it.runIf(RELAXED)('switches both ways, in call order, on one runtime whose workers keep running across switches', async () => {
    setThreads(2);
    await setWasmBuild('plain');
    const rt = runtime();
    const last = Promise.all([setWasmBuild('fma'), setWasmBuild('plain'), setWasmBuild('fma')]);
    expect(await last).toEqual(['fma', 'plain', 'fma']);
    expect(wasmBuildInfo().build).toBe('fma');
    // Booleans: a failing toBe on these objects would print a 4 GiB memory.
    expect(runtime() === rt && rt.build === 'fma' && rt.hasBuild('plain')).toBe(true);
    const pool = rt.currentPool;
    expect(pool !== undefined && wasmThreadInfo().readyWorkers === 1).toBe(true);
    await setWasmBuild('plain');
    await setWasmBuild('fma');
    expect(runtime() === rt && rt.currentPool === pool).toBe(true);
  });
});

// A 2^-12 step above 1: a·a = 1 + 2^-11 + 2^-24, which float32 rounds to 1 + 2^-11, so a·a − 1 is 2^-11 after two
// roundings (mul, then add) and 2^-11 + 2^-24 after one (a fused multiply-add).
const A = 1 + 2 ** -12;
const TWICE_ROUNDED = 2 ** -11;
const FUSED = 2 ** -11 + 2 ** -24;

// C = X·Y with every row of X [1, a, 0, …] and every column of Y [−1, a, 0, …]: each C entry accumulates −1, then a·a
// in one multiply-add of the micro-kernel, so every tile shows how the thread that ran it rounds.
function roundingProbe(m: number, n: number, k: number): Float32Array {
  const x = new Float32Array(m * k),
    y = new Float32Array(k * n);
  for (let i = 0; i < m; i++) x.set([1, A], i * k);
  y.fill(-1, 0, n);
  y.fill(A, n, 2 * n);
  return matmul(tensor(x, [m, k], { backend: 'wasm' }), tensor(y, [k, n], { backend: 'wasm' })).dataSync() as Float32Array;
}

describe.runIf(RELAXED)('the FMA build', () => {
  it('rounds a multiply-add once; the plain build rounds it twice', async () => {
    await setWasmBuild('plain');
    expect(new Set(roundingProbe(4, 8, 8))).toEqual(new Set([TWICE_ROUNDED]));
    await setWasmBuild('fma');
    expect(new Set(roundingProbe(4, 8, 8))).toEqual(new Set([FUSED]));
  });

  it('runs on the worker threads too, which follow each switch: every tile of a shared product rounds as the build does', async () => {
    setThreads(2);
    // Resolves once the build's workers are up; the pool then stays the same across switches.
    await setWasmBuild('fma');
    const pool = runtime().currentPool;
    pool!.adaptive = false;
    for (const [build, expected] of [
      ['fma', FUSED],
      ['plain', TWICE_ROUNDED],
      ['fma', FUSED],
    ] as const) {
      await setWasmBuild(build);
      const before = wasmThreadInfo().workerChunks;
      // 2·512·512·64 flops: above the threshold for sharing. Repeated (up to 20 times) until the worker has taken
      // tiles: on a loaded machine the calling thread may claim them all before the worker is scheduled.
      for (let i = 0; i < 20 && wasmThreadInfo().workerChunks === before; i++) {
        expect(new Set(roundingProbe(512, 512, 64)), build).toEqual(new Set([expected]));
      }
      expect(wasmThreadInfo().workerChunks, build).toBeGreaterThan(before);
    }
    expect(runtime().currentPool === pool).toBe(true);
    pool!.adaptive = true;
  });

  // Every kernel with multiply-adds (matmul tiles and matrix-vector products, exp/tanh/sigmoid/GELU polynomials,
  // softmax, LayerNorm, attention, LSTM and GRU gates), forward and backward, on one seed.
  function everyKernel(): Record<string, Float32Array> {
    const g = new Generator(11);
    const w = (shape: number[]): Tensor => randn(shape, { generator: g, backend: 'wasm' });
    const out: Record<string, Tensor> = {};
    const a = w([67, 130]),
      b = w([130, 45]);
    out.matmul = matmul(a, b);
    out.matmulTransposed = matmul(b, a, { transA: true, transB: true });
    out.rowTimesMatrix = matmul(w([1, 130]), b);
    out.matrixTimesColumn = matmul(a, w([130, 1]));
    const x = mul(w([1000]), 8);
    out.unary = add(add(tanh(x), sigmoid(x)), gelu(x));
    out.softmax = softmax(w([33, 70]), -1);
    const seq = w([6, 3, 20]).requiresGrad_();
    const lstm = new LSTM(20, 24, { generator: new Generator(3), backend: 'wasm' });
    const gru = new GRU(20, 24, { generator: new Generator(4), backend: 'wasm' });
    const norm = new LayerNorm(24, { backend: 'wasm' });
    const h = norm.forward(add(lstm.forward(seq).output, gru.forward(seq).output));
    const q = h.view([6, 3, 4, 6]);
    const attended = scaledDotProductAttention(q, q, q, { isCausal: true }).output;
    const loss = sum(mul(attended, w([6, 3, 4, 6])));
    loss.backward();
    out.output = attended;
    out.inputGrad = seq.grad!;
    for (const [name, p] of [...lstm.namedParameters(), ...gru.namedParameters(), ...norm.namedParameters()]) out[name] = p.grad!;
    return Object.fromEntries(Object.entries(out).map(([name, t]) => [name, t.dataSync() as Float32Array]));
  }

  it('agrees with the plain build within float32 rounding on every kernel, forward and backward', async () => {
    setThreads(2);
    await setWasmBuild('plain');
    const plain = everyKernel();
    await setWasmBuild('fma');
    const fma = everyKernel();
    expect(Object.keys(fma)).toEqual(Object.keys(plain));
    let differing = 0;
    for (const name of Object.keys(plain)) {
      expect(fma[name].length, name).toBe(plain[name].length);
      expectClose(fma[name], plain[name], { rtol: 1e-4, atol: 1e-5 });
      if (fma[name].some((v, i) => v !== plain[name][i])) differing++;
    }
    // Not one build twice: most results show the single rounding somewhere.
    expect(differing).toBeGreaterThan(Object.keys(plain).length / 2);
  });
});
