// Generation case: ms per token at batch 1 for the LSTM LM and the Transformer LM, seqlab's `generate` on wasm against
// onnxruntime-node stepping the step model `@seqlab/onnx` exports (state fed back each token), greedy, interleaved.
import { TransformerLM } from '@seqlab/attention';
import { getThreads, setThreads } from '@seqlab/kernels-wasm';
import { exportOnnxStep, onnxStepStates, type SteppableModel } from '@seqlab/onnx';
import { RecurrentLM } from '@seqlab/recurrent';
import { Generator, getBackend, setBackend } from '@seqlab/tensor-core';
import { median } from '../experiments/framework/timing.js';
import type { GenerationShapes } from './generation-shapes.js';
import { loadOrt, ONNXRUNTIME_SESSION_OPTIONS, ONNXRUNTIME_THREADS, settle, type Ort, type OnnxRuntimeInfo, type OrtSession } from './inference-suite.js';
import type { KernelBenchRow } from './results.js';
import { timeInterleaved, type Runner } from './timing.js';

/** Options of {@link runGenerationSuite}. */
export interface GenerationSuiteOptions {
  /** Timed calls per contender and model. */
  readonly runs: number;
  /** Untimed calls first (at least one: the first call compiles and warms up). */
  readonly warmup: number;
  /** The two models and their lengths. */
  readonly shapes: GenerationShapes;
  /** Seed of the weights and the prompt. */
  readonly seed: number;
  /** Progress lines. */
  readonly log: (line: string) => void;
}

/** The index of the largest of `values[from, from + count)`, relative to `from` (the first on ties, as seqlab's greedy). */
function argMax(values: Float32Array, from: number, count: number): number {
  let best = 0;
  for (let i = 1; i < count; i++) if (values[from + i] > values[from + best]) best = i;
  return best;
}

/**
 * Greedy generation of `tokens` tokens after `prompt` in onnxruntime: the prompt in one call from zero states, then
 * one call per token with the states the previous call returned. Returns the tokens.
 */
async function ortGenerate(ort: Ort, session: OrtSession, model: SteppableModel, prompt: Int32Array, tokens: number): Promise<number[]> {
  const states = onnxStepStates(model, 1);
  const vocab = model.config.vocabSize;
  let feeds: Record<string, unknown> = Object.fromEntries(
    states.map((s) => [s.input, new ort.Tensor('float32', new Float32Array(s.dims.reduce((a, b) => a * b, 1)), s.dims)]),
  );
  let ids = prompt;
  const out: number[] = [];
  for (;;) {
    const result = await session.run({ ...feeds, ids: new ort.Tensor('int32', ids, [1, ids.length]) });
    const logits = result.logits.data as Float32Array;
    const token = argMax(logits, (ids.length - 1) * vocab, vocab);
    out.push(token);
    if (out.length === tokens) return out;
    feeds = Object.fromEntries(states.map((s) => [s.input, result[s.output]]));
    ids = Int32Array.of(token);
  }
}

/** One model of the case: its name, seqlab model, prompt and length. */
interface GenerationModel {
  readonly name: string;
  readonly model: SteppableModel;
  readonly prompt: Int32Array;
  readonly tokens: number;
}

function generationModels(shapes: GenerationShapes, seed: number): (() => GenerationModel)[] {
  const prompt = (vocab: number, length: number, generator: Generator): Int32Array =>
    Int32Array.from({ length }, () => Math.floor(generator.uniform() * vocab) % vocab);
  return [
    () => {
      const s = shapes.lstm;
      const generator = new Generator(seed);
      const config = { vocabSize: s.vocabSize, embeddingDim: s.embeddingSize, hiddenSize: s.hiddenSize, numLayers: s.layers };
      const model = new RecurrentLM(config, { generator, backend: 'wasm' });
      return { name: 'lstm-generate', model, prompt: prompt(s.vocabSize, s.prompt, generator), tokens: s.tokens };
    },
    () => {
      const s = shapes.transformer;
      const generator = new Generator(seed);
      const config = { vocabSize: s.vocabSize, contextLength: s.context, numLayers: s.layers, numHeads: s.heads, dModel: s.dModel, dropout: 0 };
      const model = new TransformerLM(config, { generator });
      return { name: 'transformer-generate', model, prompt: prompt(s.vocabSize, s.prompt, generator), tokens: s.tokens };
    },
  ];
}

/** Where two greedy token sequences part, in words (float rounding can flip a near tie). */
function agreement(seqlab: readonly number[], onnx: readonly number[]): string | null {
  const first = seqlab.findIndex((t, i) => t !== onnx[i]);
  return first < 0 ? null : `greedy tokens differ from seqlab's from token ${first} on (float rounding near a tie)`;
}

/**
 * Times greedy generation at batch 1 for each model: seqlab's `generate` on the wasm backend (at its default thread
 * count, and on one thread; the prompt read once, then one step per token, no gradients) and, when onnxruntime-node is installed, the
 * same model's step model from `exportOnnxStep` in an onnxruntime session ({@link ONNXRUNTIME_THREADS} threads)
 * stepped token by token with its state fed back, argmax in JavaScript; interleaved call by call after `warmup`
 * untimed calls. ms per token = median call time / tokens (the prompt's call included in both).
 */
export async function runGenerationSuite(options: GenerationSuiteOptions): Promise<{ rows: KernelBenchRow[]; onnxruntime: OnnxRuntimeInfo }> {
  const loaded = await loadOrt();
  if ('error' in loaded) options.log(`${loaded.error}: its generation rows are left out`);
  const threads = getThreads();
  const previousBackend = getBackend().name;
  // TransformerLM builds its weights and its token tensors on the active backend.
  setBackend('wasm');
  const rows: KernelBenchRow[] = [];
  try {
    for (const make of generationModels(options.shapes, options.seed)) {
      const m = make();
      m.model.eval();
      let session: OrtSession | null = null;
      // seqlab at its thread count and, at batch 1 where waking a worker may cost more than it saves, on one thread.
      const threadCounts = threads > 1 ? [threads, 1] : [threads];
      const produced: number[][] = [];
      try {
        const runners: Runner[] = threadCounts.map((n, k) => ({
          before: async () => {
            setThreads(n);
            await settle();
          },
          run: () => (produced[k] = m.model.generate(m.prompt, { length: m.tokens, temperature: 0 })),
        }));
        if (!('error' in loaded)) {
          const s = await loaded.ort.InferenceSession.create(exportOnnxStep(m.model), ONNXRUNTIME_SESSION_OPTIONS);
          session = s;
          const k = runners.length;
          runners.push({ before: settle, run: async () => (produced[k] = await ortGenerate(loaded.ort, s, m.model, m.prompt, m.tokens)) });
        }
        const times = await timeInterleaved(runners, options.runs, Math.max(1, options.warmup));
        const contenders = [
          ...threadCounts.map((n) => ({ library: 'seqlab', backend: 'wasm', threads: n, note: null })),
          { library: 'onnxruntime', backend: 'cpu', threads: ONNXRUNTIME_THREADS, note: agreement(produced[0], produced[threadCounts.length] ?? []) },
        ].slice(0, runners.length);
        contenders.forEach((who, k) => {
          const medianMs = median(times[k]);
          rows.push({ ...who, case: m.name, size: m.tokens, msPerToken: medianMs / m.tokens, medianMs, runs: times[k].length });
        });
        const measured = contenders.map((who, k) => `${who.library} ×${who.threads} ${(median(times[k]) / m.tokens).toFixed(2)}`);
        options.log(`${m.name} ${m.tokens} tokens: ${measured.join(', ')} ms/token`);
      } finally {
        setThreads(threads);
        await session?.release();
        for (const p of m.model.parameters()) p.dispose();
      }
    }
  } finally {
    setBackend(previousBackend);
  }
  return { rows, onnxruntime: 'error' in loaded ? { error: loaded.error } : { version: loaded.version } };
}
