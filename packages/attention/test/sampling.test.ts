// The one sampler: kept sets (top-k, then top-p within the k kept), seeded draw frequencies, greedy decoding and typed errors.
import { resolveSampling, sampleFromLogits, samplingDistribution, type SamplingOptions } from '@seqlab/attention';
import { Generator, InvalidArgumentError } from '@seqlab/tensor-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

// The case: probabilities 0.35, 0.3, 0.2, 0.15. Top-3 renormalised is 0.41, 0.35, 0.24, so the 0.7 nucleus
// within it holds 2 tokens; measured on the unrenormalised probabilities (0.35 + 0.3 < 0.7) it would hold 3.
const probs = [0.35, 0.3, 0.2, 0.15];
const logits = probs.map(Math.log);

/** Draw frequencies of each token over `n` draws from one seeded generator. */
function frequencies(values: number[], options: SamplingOptions, n: number, seed: number): number[] {
  const g = new Generator(seed);
  const counts = new Array<number>(values.length).fill(0);
  for (let i = 0; i < n; i++) counts[sampleFromLogits(values, options, g)]++;
  return counts.map((c) => c / n);
}

describe('samplingDistribution: the kept set', () => {
  it.each([
    [{ topK: 3, topP: 0.7 }, [0, 1]],
    [{ topK: 0, topP: 0.7 }, [0, 1, 2]],
    [{ topP: 0.7 }, [0, 1, 2]],
    [{ topK: 0 }, [0, 1, 2, 3]],
    [{}, [0, 1, 2, 3]],
    [{ topK: undefined, topP: undefined }, [0, 1, 2, 3]],
    [{ topK: 3 }, [0, 1, 2]],
    [{ topK: 1 }, [0]],
    [{ topK: 10 }, [0, 1, 2, 3]],
    [{ topK: 2, topP: 1 }, [0, 1]],
    [{ topP: 0.35 }, [0]],
    [{ topP: 0.01 }, [0]],
    [{ temperature: 0, topK: 3, topP: 0.7 }, [0]],
  ] as [SamplingOptions, number[]][])('%o keeps %o', (options, kept) => {
    expect(samplingDistribution(logits, options).tokens).toEqual(kept);
  });

  it('renormalises over the kept tokens, after temperature', () => {
    const { probabilities } = samplingDistribution(logits, { topK: 3, topP: 0.7 });
    expect([...probabilities]).toEqual([expect.closeTo(0.35 / 0.65, 12), expect.closeTo(0.3 / 0.65, 12)]);
    // Temperature 0.5 squares the probabilities before the nucleus: 0.1225, 0.09, 0.04, 0.0225 of 0.275.
    const sharp = samplingDistribution(logits, { temperature: 0.5, topP: 0.7 });
    expect(sharp.tokens).toEqual([0, 1]);
    expect(sharp.probabilities[0]).toBeCloseTo(0.1225 / 0.2125, 12);
  });

  it('counts a nucleus that reaches p exactly, and ranks ties by the lower id', () => {
    expect(samplingDistribution([0.5, 0.25, 0.25].map(Math.log), { topP: 0.75 }).tokens).toEqual([0, 1]);
    expect(samplingDistribution([1, 3, 3, 1], { topK: 2 }).tokens).toEqual([1, 2]);
    expect(samplingDistribution([1, 3, 3, 1], { topK: 3 }).tokens).toEqual([1, 2, 0]);
    expect(samplingDistribution([1, 3, 3, 1], { temperature: 0 }).tokens).toEqual([1]);
  });

  it('treats -Infinity as a masked token', () => {
    const d = samplingDistribution([-Infinity, 0, 0], {});
    expect(d.tokens).toEqual([1, 2]);
    expect([...d.probabilities]).toEqual([0.5, 0.5]);
    expect(samplingDistribution([-Infinity, 0, -Infinity, 1], { topK: 3 }).tokens).toEqual([3, 1]);
    const g = new Generator(1);
    for (let i = 0; i < 500; i++) expect(sampleFromLogits([-Infinity, 0, 0], {}, g)).not.toBe(0);
  });
});

describe('sampleFromLogits: seeded draws', () => {
  it.each([
    [{ topK: 3, topP: 0.7 }, [0.35 / 0.65, 0.3 / 0.65, 0, 0]],
    [{ topK: 3 }, [0.35 / 0.85, 0.3 / 0.85, 0.2 / 0.85, 0]],
    [{ topK: 0 }, probs],
    [{ topP: 0.7 }, [0.35 / 0.85, 0.3 / 0.85, 0.2 / 0.85, 0]],
  ] as [SamplingOptions, number[]][])('with %o, 20,000 draws match the renormalised probabilities', (options, expected) => {
    const f = frequencies(logits, options, 20_000, 7);
    f.forEach((p, i) => (expected[i] === 0 ? expect(p).toBe(0) : expect(Math.abs(p - expected[i])).toBeLessThan(0.012)));
  });

  it('draws with the softmax probabilities at temperature 1, and of logits / T at temperature T', () => {
    const values = [1, 0, 2, -1];
    const softmax = (t: number) => {
      const e = values.map((v) => Math.exp(v / t));
      const z = e.reduce((a, b) => a + b);
      return e.map((v) => v / z);
    };
    for (const t of [1, 2, 0.5]) {
      const f = frequencies(values, t === 1 ? {} : { temperature: t }, 20_000, 8);
      softmax(t).forEach((p, i) => expect(Math.abs(f[i] - p)).toBeLessThan(0.015));
    }
  });

  it('is reproducible from the generator state, and temperature 0 is the arg max without a draw', () => {
    const draw = (seed: number) =>
      Array.from(
        { length: 50 },
        (
          (g) => () =>
            sampleFromLogits(logits, { topK: 3 }, g)
        )(new Generator(seed)),
      );
    expect(draw(3)).toEqual(draw(3));
    expect(draw(3)).not.toEqual(draw(4));
    const g = new Generator(5);
    expect(sampleFromLogits([0.1, 2, 2, -3], { temperature: 0 }, g)).toBe(1);
    expect(g.uniform()).toBe(new Generator(5).uniform());
    // Greedy needs no generator at all.
    expect(sampleFromLogits([0.1, 2, 2, -3], { temperature: 0 }, undefined as unknown as Generator)).toBe(1);
  });

  it('never draws outside the top-k tokens or outside the nucleus (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 2, maxLength: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }),
        (values, topK, topP, seed) => {
          const t = sampleFromLogits(values, { topK, topP, temperature: 0.7 }, new Generator(seed));
          const order = values.map((_, i) => i).sort((a, b) => values[b] - values[a] || a - b);
          const rank = order.indexOf(t);
          expect(rank).toBeLessThan(Math.min(topK, values.length));
          // Every token ranked above t leaves less than topP of the mass, measured within the top k.
          const p = values.map((v) => Math.exp((v - Math.max(...values)) / 0.7));
          const kept = order.slice(0, Math.min(topK, values.length));
          const z = kept.reduce((s, i) => s + p[i], 0);
          const before = order.slice(0, rank).reduce((s, i) => s + p[i] / z, 0);
          expect(before).toBeLessThan(topP + 1e-12);
          // The same as the unrenormalised bound the earlier recurrent sampler guaranteed.
          const all = p.reduce((a, b) => a + b);
          expect(order.slice(0, rank).reduce((s, i) => s + p[i] / all, 0)).toBeLessThan(topP + 1e-12);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('sampling options and logits: typed errors naming the value', () => {
  const g = new Generator(0);
  it.each([
    [{ temperature: -1 }, /option 'temperature' must be a finite number ≥ 0.*received -1$/],
    [{ temperature: NaN }, /option 'temperature'.*received NaN$/],
    [{ temperature: Infinity }, /option 'temperature'.*received Infinity$/],
    [{ topK: -1 }, /option 'topK' must be an integer ≥ 0 \(0 = no top-k filter\); received -1$/],
    [{ topK: 1.5 }, /option 'topK'.*received 1.5$/],
    [{ topK: '3' }, /option 'topK'.*received a string$/],
    [{ topP: 0 }, /option 'topP' must be in \(0, 1\]; received 0$/],
    [{ topP: 1.5 }, /option 'topP'.*received 1.5$/],
    [{ topP: NaN }, /option 'topP'.*received NaN$/],
  ] as [SamplingOptions, RegExp][])('%o', (options, message) => {
    const calls = [() => sampleFromLogits([1, 2], options, g), () => samplingDistribution([1, 2], options), () => resolveSampling('sampleFromLogits', options)];
    for (const call of calls) {
      expect(call).toThrow(InvalidArgumentError);
      expect(call).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^(sampleFromLogits|samplingDistribution): /) }));
      expect(call).toThrow(message);
    }
  });

  it('rejects bad options by name (the recurrent sampler’s cases; topK 0 is now "no filter")', () => {
    expect(() => sampleFromLogits([1, 2], { temperature: -1 }, g)).toThrow(/'temperature'/);
    expect(() => sampleFromLogits([1, 2], { topK: -1 }, g)).toThrow(/'topK'/);
    expect(() => sampleFromLogits([1, 2], { topP: 0 }, g)).toThrow(/'topP'/);
    expect(sampleFromLogits([1, 2], { topK: 0, temperature: 0 }, g)).toBe(1);
  });

  it.each([
    [[], /argument 'logits' must hold at least one score; received 0/],
    [[1, NaN], /argument 'logits' must hold finite numbers or -Infinity; received NaN at index 1/],
    [[Infinity, 1], /received Infinity at index 0/],
    [[-Infinity, -Infinity], /at least one finite score; received all -Infinity/],
    [null, /argument 'logits' must be an array of scores.*received null/],
  ] as [number[], RegExp][])('logits %o', (values, message) => {
    expect(() => sampleFromLogits(values, {}, g)).toThrow(InvalidArgumentError);
    expect(() => sampleFromLogits(values, {}, g)).toThrow(message);
    expect(() => samplingDistribution(values)).toThrow(message);
  });

  it('names a missing generator when a draw is needed', () => {
    expect(() => sampleFromLogits([1, 2], {}, undefined as unknown as Generator)).toThrow(/argument 'generator' must be a Generator; received undefined/);
  });
});
