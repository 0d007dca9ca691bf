// Without TensorFlow.js the kernel benchmark still runs: seqlab rows only, and the environment says why.
import { describe, expect, it, vi } from 'vitest';
import { runKernelBenchmark } from '../src/index.js';

// An import of TF.js that fails as it does when the package is not installed.
vi.mock('@tensorflow/tfjs', () => {
  throw new Error("Cannot find package '@tensorflow/tfjs'");
});

describe('kernel benchmark without TF.js', () => {
  it('reports "TF.js not installed" and gives the seqlab rows', async () => {
    const report = await runKernelBenchmark({ cases: ['matmul'], sizes: [8], runs: 1 });
    expect(report.environment.tfjs).toEqual({ error: expect.stringMatching(/^TF\.js not installed/) });
    expect(report.results.length).toBeGreaterThan(0);
    expect(report.results.every((r) => r.library === 'seqlab')).toBe(true);
    expect(report.targets.every((t) => t.met === null)).toBe(true);
  });
});
