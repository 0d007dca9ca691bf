// Settings of a kernel-benchmark run small enough for a test: one matmul size, one timed run, tiny model shapes.

/** Tiny `runKernelBenchmark` options shared by the kernel-benchmark tests. */
export const TINY = {
  sizes: [16],
  inferenceMatmulSizes: [16],
  runs: 1,
  warmup: 0,
  trainingWarmupMs: 0,
  peak: { rounds: 1, targetMs: 5 },
  lstm: { batch: 2, length: 3, embeddingSize: 4, hiddenSize: 4, vocabSize: 5 },
  transformer: { batch: 2, length: 3, dModel: 4, heads: 2, ffnWidth: 8, vocabSize: 5 },
  generation: {
    lstm: { vocabSize: 5, embeddingSize: 4, hiddenSize: 4, layers: 2, prompt: 2, tokens: 3 },
    transformer: { vocabSize: 5, layers: 1, heads: 2, dModel: 4, context: 8, prompt: 2, tokens: 3 },
  },
};
