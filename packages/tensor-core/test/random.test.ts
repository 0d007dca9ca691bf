// Seeded random tensors: determinism, shapes and dtypes, moments within statistical bounds, argument errors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bernoulli,
  cpuBackend,
  Generator,
  manualSeed,
  normal,
  permutation,
  rand,
  randint,
  randn,
  registerBackend,
  tensor,
  uniform,
  type Tensor,
} from '../src/index.js';

// A second backend sharing the CPU kernels, to check that every backend receives identical numbers.
registerBackend({ ...cpuBackend, name: 'cpu-twin' });

const code = (c: string) => expect.objectContaining({ code: c });

function moments(values: ArrayLike<number>): { mean: number; std: number } {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const mean = sum / values.length;
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(sq / (values.length - 1)) };
}

const N = 100_000;

describe.each(['cpu', 'cpu-twin'])('random tensors on %s', (backend) => {
  const draws: [string, (g: Generator) => Tensor][] = [
    ['rand', (g) => rand([3, 5], { generator: g, backend })],
    ['randn', (g) => randn([7], { generator: g, backend })],
    ['uniform', (g) => uniform([2, 2, 3], -1, 3, { generator: g, backend })],
    ['normal', (g) => normal([9], 2, 0.5, { generator: g, backend, dtype: 'float64' })],
    ['randint', (g) => randint(-5, 50, [4, 4], { generator: g, backend })],
    ['bernoulli', (g) => bernoulli(0.5, [16], { generator: g, backend })],
    ['bernoulli of a tensor', (g) => bernoulli(tensor([0.2, 0.5, 0.8], [3], { backend }), [4, 3], { generator: g })],
    ['permutation', (g) => permutation(20, { generator: g, backend })],
  ];

  it.each(draws)('%s: same seed gives the same tensor, other seeds and later draws differ', (_, draw) => {
    const a = draw(new Generator(123));
    const b = draw(new Generator(123));
    expect(a.backendName).toBe(backend);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    const g = new Generator(123);
    draw(g);
    expect(Array.from(draw(g).dataSync())).not.toEqual(Array.from(a.dataSync()));
    expect(Array.from(draw(new Generator(124)).dataSync())).not.toEqual(Array.from(a.dataSync()));
  });

  it('gives the same numbers as the cpu backend for the same seed', () => {
    for (const [, draw] of draws) {
      const here = draw(new Generator(9));
      const onCpu = draw(new Generator(9)).to('cpu');
      expect(Array.from(here.dataSync())).toEqual(Array.from(onCpu.dataSync()));
    }
  });

  it('uses the default generator, reseeded by manualSeed', () => {
    manualSeed(77);
    const a = randn([5], { backend }).dataSync();
    const b = rand([5], { backend }).dataSync();
    manualSeed(77);
    expect(randn([5], { backend }).dataSync()).toEqual(a);
    expect(rand([5], { backend }).dataSync()).toEqual(b);
    expect(rand([5], { backend }).dataSync()).not.toEqual(b);
  });

  it('gives the requested shapes and dtypes, including scalars and empty tensors', () => {
    const g = new Generator(1);
    expect(rand([], { generator: g, backend }).shape).toEqual([]);
    expect(rand([], { generator: g, backend }).size).toBe(1);
    expect(randn([0, 4], { generator: g, backend }).size).toBe(0);
    expect(rand([2, 3], { generator: g, backend }).dtype).toBe('float32');
    expect(rand([2, 3], { generator: g, backend, dtype: 'float64' }).dtype).toBe('float64');
    expect(randn([2], { generator: g, backend, dtype: 'float64' }).dtype).toBe('float64');
    expect(uniform([1], 0, 1, { generator: g, backend, dtype: 'float64' }).dtype).toBe('float64');
    expect(randint(0, 3, [2, 2], { generator: g, backend }).dtype).toBe('int32');
    expect(randint(0, 3, [2], { generator: g, backend, dtype: 'float32' }).dtype).toBe('float32');
    expect(bernoulli(0.5, undefined, { generator: g, backend }).shape).toEqual([]);
    expect(bernoulli(0.5, [3], { generator: g, backend, dtype: 'bool' }).dtype).toBe('bool');
    expect(bernoulli(tensor([0.5], [1], { dtype: 'float64', backend }), undefined, { generator: g }).dtype).toBe('float64');
    expect(permutation(0, { generator: g, backend }).shape).toEqual([0]);
    expect(permutation(1, { generator: g, backend }).toArray()).toEqual([0]);
    // Odd sizes use half of the last Box–Muller pair.
    expect(randn([3], { generator: g, backend }).dataSync().every(Number.isFinite)).toBe(true);
  });
});

describe('random tensor distributions', () => {
  it('randn: mean 0, std 1 and two thirds within one std over 100k draws', () => {
    const x = randn([N], { generator: new Generator(2024) }).dataSync();
    const { mean, std } = moments(x);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(std - 1)).toBeLessThan(0.02);
    let within = 0;
    for (const v of x) if (Math.abs(v) < 1) within++;
    expect(Math.abs(within / N - 0.6827)).toBeLessThan(0.01);
  });

  it('normal: shifted and scaled moments; std 0 gives the mean', () => {
    const x = normal([N], 3, 2, { generator: new Generator(5), dtype: 'float64' }).dataSync();
    const { mean, std } = moments(x);
    expect(Math.abs(mean - 3)).toBeLessThan(0.04);
    expect(Math.abs(std - 2)).toBeLessThan(0.04);
    expect(Array.from(normal([4], -1.5, 0, { generator: new Generator(5) }).dataSync())).toEqual([-1.5, -1.5, -1.5, -1.5]);
  });

  it('rand: values in [0, 1) with mean 1/2 and variance 1/12', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const x = rand([N], { generator: new Generator(8), dtype }).dataSync();
      expect(x.every((v) => v >= 0 && v < 1)).toBe(true);
      const { mean, std } = moments(x);
      expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
      expect(Math.abs(std * std - 1 / 12)).toBeLessThan(0.003);
    }
  });

  it('uniform: values in [low, high) with the right mean; never returns high, even after rounding', () => {
    const x = uniform([N], -2, 5, { generator: new Generator(3) }).dataSync();
    expect(x.every((v) => v >= -2 && v < 5)).toBe(true);
    expect(Math.abs(moments(x).mean - 1.5)).toBeLessThan(0.05);
    // Only one float32 lies in [1, 1 + 2^-23): every draw that rounds up must come back down to it.
    const tight32 = uniform([1000], 1, 1 + 2 ** -23, { generator: new Generator(3) }).dataSync();
    expect(tight32.every((v) => v === 1)).toBe(true);
    const tight64 = uniform([1000], 1, 1 + 2 ** -52, { generator: new Generator(3), dtype: 'float64' }).dataSync();
    expect(tight64.every((v) => v === 1)).toBe(true);
  });

  it('bernoulli: rate of a number, per-element rates of a broadcast tensor, and the 0/1 extremes', () => {
    const x = bernoulli(0.3, [N], { generator: new Generator(11) }).dataSync();
    expect(x.every((v) => v === 0 || v === 1)).toBe(true);
    expect(Math.abs(moments(x).mean - 0.3)).toBeLessThan(0.01);
    const cols = bernoulli(tensor([0.1, 0.9]), [50_000, 2], { generator: new Generator(12) }).dataSync();
    let c0 = 0,
      c1 = 0;
    for (let i = 0; i < cols.length; i += 2) {
      c0 += cols[i];
      c1 += cols[i + 1];
    }
    expect(Math.abs(c0 / 50_000 - 0.1)).toBeLessThan(0.01);
    expect(Math.abs(c1 / 50_000 - 0.9)).toBeLessThan(0.01);
    const rows = bernoulli(tensor([[[0]], [[1]]]), [2, 3, 100], { generator: new Generator(13), dtype: 'int32' });
    const r = rows.dataSync();
    expect(r.slice(0, 300).every((v) => v === 0)).toBe(true);
    expect(r.slice(300).every((v) => v === 1)).toBe(true);
    expect(
      bernoulli(1, [50], { generator: new Generator(0), dtype: 'bool' })
        .dataSync()
        .every((v) => v === 1),
    ).toBe(true);
  });

  it('randint: every value in [low, high) appears, roughly equally often', () => {
    const x = randint(-3, 4, [70_000], { generator: new Generator(21) }).dataSync();
    const counts = new Map<number, number>();
    for (const v of x) counts.set(v, (counts.get(v) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    for (const c of counts.values()) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    const wide = randint(-(2 ** 31), 2 ** 31, [1000], { generator: new Generator(4) }).dataSync();
    expect(new Set(wide).size).toBeGreaterThan(990);
    expect(
      randint(5, 6, [10], { generator: new Generator(4) })
        .dataSync()
        .every((v) => v === 5),
    ).toBe(true);
  });

  it('permutation: each of 0..n-1 exactly once, and not the identity', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer(), (n, seed) => {
        const p = Array.from(permutation(n, { generator: new Generator(seed) }).dataSync());
        expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
      { numRuns: 200 },
    );
    const p = Array.from(permutation(1000, { generator: new Generator(0) }).dataSync());
    expect(p.filter((v, i) => v === i).length).toBeLessThan(10);
  });

  it('property: any seed and shape gives values in range, reproducibly', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }), (seed, shape) => {
        const a = rand(shape, { generator: new Generator(seed) });
        expect([...a.shape]).toEqual(shape);
        expect(a.dataSync().every((v) => v >= 0 && v < 1)).toBe(true);
        expect(rand(shape, { generator: new Generator(seed) }).dataSync()).toEqual(a.dataSync());
        const k = randint(-2, 3, shape, { generator: new Generator(seed) }).dataSync();
        expect(k.every((v) => v >= -2 && v < 3)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('random tensor argument errors', () => {
  const g = () => ({ generator: new Generator(0) });

  it('rejects bad shapes', () => {
    expect(() => rand([2, -1], g())).toThrow(code('INVALID_ARGUMENT'));
    expect(() => randn([1.5], g())).toThrow(code('INVALID_ARGUMENT'));
    expect(() => rand('3' as never, g())).toThrow(code('INVALID_ARGUMENT'));
    expect(() => rand([65536, 65536], g())).toThrow(/at most/);
  });

  it('rejects bad bounds and parameters', () => {
    expect(() => uniform([2], 1, 1, g())).toThrow(code('INVALID_ARGUMENT'));
    expect(() => uniform([2], 2, 1, g())).toThrow(/'low' < 'high'/);
    expect(() => uniform([2], 0, Infinity, g())).toThrow(/'high' must be a finite number/);
    expect(() => uniform([2], -1e308, 1e308, { ...g(), dtype: 'float64' })).toThrow(code('INVALID_ARGUMENT'));
    expect(() => uniform([2], 0, 1e39, g())).toThrow(/float32 range/);
    expect(() => uniform([2], 1, 1 + 1e-12, g())).toThrow(/same float32 value/);
    expect(() => normal([2], 0, -1, g())).toThrow(/'std' must be ≥ 0; received -1/);
    expect(() => normal([2], NaN, 1, g())).toThrow(/'mean'/);
    expect(() => randint(0, 0, [2], g())).toThrow(/'high' must be greater than 'low'/);
    expect(() => randint(0.5, 3, [2], g())).toThrow(/'low' must be an integer/);
    expect(() => randint(0, 2 ** 31 + 1, [2], g())).toThrow(/int32/);
    expect(() => randint(0, 2 ** 24 + 2, [2], { ...g(), dtype: 'float32' })).toThrow(/float32/);
    expect(() => permutation(-1, g())).toThrow(code('INVALID_ARGUMENT'));
    expect(() => permutation(2.5, g())).toThrow(code('INVALID_ARGUMENT'));
  });

  it('rejects probabilities outside [0, 1] and probabilities of the wrong dtype or shape', () => {
    expect(() => bernoulli(1.5, [2], g())).toThrow(/\[0, 1\]; received 1.5/);
    expect(() => bernoulli(NaN, [2], g())).toThrow(code('INVALID_ARGUMENT'));
    expect(() => bernoulli(tensor([0.5, -0.1]), undefined, g())).toThrow(/received -0.1.* at flat index 1/);
    expect(() => bernoulli(tensor([0, 1], [2], 'int32'), undefined, g())).toThrow(code('DTYPE_MISMATCH'));
    expect(() => bernoulli(tensor([0.5, 0.5, 0.5]), [2, 2], g())).toThrow(code('SHAPE_MISMATCH'));
    expect(() => bernoulli(tensor([[0.5], [0.5]]), [2], g())).toThrow(code('SHAPE_MISMATCH'));
    expect(() => bernoulli('0.5' as never, [2], g())).toThrow(code('INVALID_ARGUMENT'));
  });

  it('rejects bad options', () => {
    expect(() => rand([2], { dtype: 'int32' })).toThrow(/'dtype' must be one of float32, float64; received "int32"/);
    expect(() => randint(0, 2, [2], { dtype: 'bool' })).toThrow(code('INVALID_ARGUMENT'));
    expect(() => rand([2], { generator: Math as never })).toThrow(/'generator' must be a Generator/);
    expect(() => rand([2], { backend: 'nowhere' })).toThrow(code('INVALID_ARGUMENT'));
    expect(() => rand([2], 3 as never)).toThrow(/'options' must be an object/);
  });
});
