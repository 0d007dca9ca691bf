// Without onnxruntime-node the inference and generation cases still run: seqlab rows only, and the environment says why.
import { describe, expect, it, vi } from 'vitest';
import { renderKernelMarkdown, runKernelBenchmark } from '../src/index.js';

// An import of onnxruntime-node that fails as it does when the package is not installed.
vi.mock('onnxruntime-node', () => {
  throw new Error("Cannot find package 'onnxruntime-node'");
});

describe('kernel benchmark without onnxruntime-node', () => {
  it('reports "onnxruntime-node not installed" and gives the seqlab inference and generation rows', async () => {
    const report = await runKernelBenchmark({
      cases: ['inference', 'generation'],
      generation: {
        lstm: { vocabSize: 5, embeddingSize: 4, hiddenSize: 4, layers: 1, prompt: 2, tokens: 2 },
        transformer: { vocabSize: 5, layers: 1, heads: 2, dModel: 4, context: 8, prompt: 2, tokens: 2 },
      },
      inferenceMatmulSizes: [8],
      runs: 1,
      warmup: 0,
      tfjs: false,
      lstm: { batch: 2, length: 3, embeddingSize: 4, hiddenSize: 4, vocabSize: 5 },
      transformer: { batch: 2, length: 3, dModel: 4, heads: 2, ffnWidth: 8, vocabSize: 5 },
    });
    expect(report.environment.onnxruntime).toEqual({ error: expect.stringMatching(/^onnxruntime-node not installed/) });
    expect(report.results.map((r) => `${r.library} ${r.case}`)).toEqual([
      'seqlab lstm-forward',
      'seqlab transformer-forward',
      'seqlab matmul-forward',
      'seqlab lstm-generate',
      'seqlab lstm-generate',
      'seqlab transformer-generate',
      'seqlab transformer-generate',
    ]);
    const markdown = renderKernelMarkdown(report);
    expect(markdown).toMatch(/onnxruntime-node \(onnxruntime-node not installed/);
    expect(markdown).toMatch(/\| lstm-generate \| 2 \| [\d.]+ \| [\d.]+ \| – \|/);
    expect(report.targets.at(-1)?.measured).toMatch(/^not measured/);
  });
});
