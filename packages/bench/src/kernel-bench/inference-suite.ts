// Inference cases: forward passes of the LSTM language model and the Transformer block, and a matmul, on seqlab's wasm
// backend and in onnxruntime-node running seqlab's own exported model (2 intra-op threads), interleaved in one run.
import { noGrad } from '@seqlab/autograd';
import { getThreads, setThreads } from '@seqlab/kernels-wasm';
import { exportOnnx, GraphBuilder } from '@seqlab/onnx';
import { RecurrentLM } from '@seqlab/recurrent';
import { Generator, matmul, randint, randn, tensor, type Tensor } from '@seqlab/tensor-core';
import { median } from '../experiments/framework/timing.js';
import type { KernelBenchRow } from './results.js';
import { benchTransformerBlock } from './seqlab-training.js';
import { timeInterleaved, type Runner } from './timing.js';
import { lstmForwardFlops, tokensPerStep, transformerBlockForwardFlops, type LstmShape, type TransformerShape } from './training-shapes.js';

/**
 * Threads onnxruntime's intra-op pool gets: as many as seqlab's wasm backend uses on the reference machine.
 *
 * @example
 * ```ts
 * const sessionOptions = { graphOptimizationLevel: 'all', intraOpNumThreads: ONNXRUNTIME_THREADS, interOpNumThreads: 1 };
 * console.assert(sessionOptions.intraOpNumThreads === 2);
 * ```
 */
export const ONNXRUNTIME_THREADS = 2;

/** The onnxruntime-node that ran, or why it did not. */
export type OnnxRuntimeInfo =
  | {
      /** Its version, e.g. `1.31.1`. */
      readonly version: string;
    }
  | {
      /** Why it did not run, e.g. `onnxruntime-node not installed: …`. */
      readonly error: string;
    };

/** The slice of onnxruntime-node's API the inference and generation suites use. */
export interface Ort {
  readonly env: { readonly versions?: { readonly node?: string } };
  readonly Tensor: new (type: string, data: Float32Array | Int32Array, dims: readonly number[]) => unknown;
  readonly InferenceSession: { create(model: Uint8Array, options: object): Promise<OrtSession> };
}

/** An onnxruntime session as the suites use it. */
export interface OrtSession {
  run(feeds: Record<string, unknown>): Promise<Record<string, { readonly data: unknown }>>;
  release(): Promise<void>;
}

/** onnxruntime session options of every onnxruntime row: graph optimisation 'all', {@link ONNXRUNTIME_THREADS} intra-op threads. */
export const ONNXRUNTIME_SESSION_OPTIONS = { graphOptimizationLevel: 'all', intraOpNumThreads: ONNXRUNTIME_THREADS, interOpNumThreads: 1 } as const;

/** Options of {@link runInferenceSuite}. */
export interface InferenceSuiteOptions {
  /** Timed runs per contender and case. */
  readonly runs: number;
  /** Untimed runs first. */
  readonly warmup: number;
  /** LSTM language-model shape (the training case's, forward only). */
  readonly lstm: LstmShape;
  /** Transformer-block shape (the training case's block, forward only). */
  readonly transformer: TransformerShape;
  /** Matmul sizes n of the onnxruntime reference rows. */
  readonly matmulSizes: readonly number[];
  /** Seed of weights and data. */
  readonly seed: number;
  /** Progress lines. */
  readonly log: (line: string) => void;
}

/** Imports onnxruntime-node (an optional dependency), or says why it could not. */
export async function loadOrt(): Promise<{ ort: Ort; version: string } | { error: string }> {
  try {
    const ort = (await import('onnxruntime-node')) as unknown as Ort;
    return { ort, version: ort.env.versions?.node ?? 'unknown' };
  } catch (e) {
    return { error: `onnxruntime-node not installed: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}` };
  }
}

/** Lets the other contender's spinning threads go idle before a timed call (seqlab's workers spin for 200 ms). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 250));
}

/** One case: a seqlab runner and an onnxruntime session on the same model and inputs. */
interface InferenceCase {
  readonly name: string;
  readonly size: number;
  /** Work per call: tokens for the models, 2n³ flops for matmul. */
  readonly work: number;
  readonly metric: 'tokensPerSec' | 'gflops';
  /** Useful FLOPs per call of a model case (its matrix products), for its useful GFLOP/s; absent on matmul. */
  readonly flops?: number;
  readonly seqlab: () => void;
  readonly onnx: Uint8Array;
  readonly feeds: (ort: Ort) => Record<string, unknown>;
  readonly dispose: () => void;
}

/** The name, size, work and useful FLOPs of a model case over `batch·length` tokens. */
function tokenCase(
  name: string,
  shape: { readonly batch: number; readonly length: number },
  flops: number,
): Pick<InferenceCase, 'name' | 'size' | 'work' | 'metric' | 'flops'> {
  return { name, size: shape.length, work: tokensPerStep(shape), metric: 'tokensPerSec', flops };
}

function lstmCase(shape: LstmShape, seed: number): InferenceCase {
  const generator = new Generator(seed);
  const config = { vocabSize: shape.vocabSize, embeddingDim: shape.embeddingSize, hiddenSize: shape.hiddenSize };
  const model = new RecurrentLM(config, { generator, backend: 'wasm' });
  model.eval();
  const ids = randint(0, shape.vocabSize, [shape.batch, shape.length], { generator, backend: 'wasm' });
  const idValues = Int32Array.from(ids.dataSync());
  return {
    ...tokenCase('lstm-forward', shape, lstmForwardFlops(shape)),
    seqlab: () => {
      const { logits, state } = noGrad(() => model.forward(ids));
      logits.dataSync();
      for (const t of [logits, state.h, state.c]) t?.dispose();
    },
    onnx: exportOnnx(model),
    feeds: (ort) => ({ ids: new ort.Tensor('int32', idValues, [shape.batch, shape.length]) }),
    dispose: () => [...model.parameters(), ids].forEach((t) => t.dispose()),
  };
}

function transformerCase(shape: TransformerShape, seed: number): InferenceCase {
  const generator = new Generator(seed);
  const block = benchTransformerBlock(shape, generator, 'wasm');
  block.eval();
  const dims = [shape.batch, shape.length, shape.dModel];
  const inputs = randn(dims, { generator, backend: 'wasm' });
  const values = Float32Array.from(inputs.dataSync());
  return {
    ...tokenCase('transformer-forward', shape, transformerBlockForwardFlops(shape)),
    seqlab: () => {
      const out = noGrad(() => block.forward(inputs, { isCausal: shape.causal }));
      out.dataSync();
      out.dispose();
    },
    onnx: exportOnnx(block, { causal: shape.causal }),
    feeds: (ort) => ({ src: new ort.Tensor('float32', values, dims) }),
    dispose: () => [...block.parameters(), inputs].forEach((t) => t.dispose()),
  };
}

function matmulCase(n: number, seed: number): InferenceCase {
  const generator = new Generator(seed);
  const operands = [0, 1].map(() => randn([n, n], { generator, backend: 'wasm' }));
  const values = operands.map((t) => Float32Array.from(t.dataSync()));
  const g = new GraphBuilder();
  const [a, b] = ['a', 'b'].map((name) => g.input(name, 'float32', [n, n]));
  g.output(g.op('MatMul', [a, b]), 'y', 'float32', [n, n]);
  return {
    name: 'matmul-forward',
    size: n,
    work: 2 * n ** 3,
    metric: 'gflops',
    seqlab: () => {
      const y: Tensor = matmul(operands[0], operands[1]);
      y.dataSync();
      y.dispose();
    },
    onnx: g.encode({ name: 'matmul' }),
    feeds: (ort) => ({ a: new ort.Tensor('float32', values[0], [n, n]), b: new ort.Tensor('float32', values[1], [n, n]) }),
    dispose: () => operands.forEach((t) => t.dispose()),
  };
}

/** Rate of `work` per median call: tokens/s, or GFLOP/s for matmul. */
function rate(c: InferenceCase, medianMs: number): number {
  return c.metric === 'gflops' ? c.work / (medianMs * 1e6) : c.work / (medianMs / 1000);
}

/**
 * Times every inference case on seqlab's wasm backend (at its default thread count) and, when onnxruntime-node is
 * installed, in an onnxruntime session (graph optimisation 'all', {@link ONNXRUNTIME_THREADS} intra-op threads) on
 * the model exported by `@seqlab/onnx`, the two interleaved call by call with a pause before each call so that
 * neither runs while the other's threads still spin. Outputs are read back inside the timing.
 */
export async function runInferenceSuite(options: InferenceSuiteOptions): Promise<{ rows: KernelBenchRow[]; onnxruntime: OnnxRuntimeInfo }> {
  const loaded = await loadOrt();
  if ('error' in loaded) options.log(`${loaded.error}: its inference rows are left out`);
  const threads = getThreads();
  const cases = [
    () => lstmCase(options.lstm, options.seed),
    () => transformerCase(options.transformer, options.seed),
    ...options.matmulSizes.map((n) => () => matmulCase(n, options.seed)),
  ];
  const rows: KernelBenchRow[] = [];
  for (const make of cases) {
    const c = make();
    let session: OrtSession | null = null;
    try {
      const selectSeqlab = async (): Promise<void> => {
        setThreads(threads);
        await settle();
      };
      const runners: Runner[] = [{ before: selectSeqlab, run: c.seqlab }];
      if (!('error' in loaded)) {
        const ort = loaded.ort;
        const s = await ort.InferenceSession.create(c.onnx, ONNXRUNTIME_SESSION_OPTIONS);
        session = s;
        const feeds = c.feeds(ort);
        runners.push({ before: settle, run: async () => Object.values(await s.run(feeds)).forEach((t) => t.data) });
      }
      const times = await timeInterleaved(runners, options.runs, options.warmup);
      const contenders = [
        { library: 'seqlab', backend: 'wasm', threads },
        { library: 'onnxruntime', backend: 'cpu', threads: ONNXRUNTIME_THREADS },
      ].slice(0, runners.length);
      contenders.forEach((who, k) => {
        const medianMs = median(times[k]);
        const useful = c.flops === undefined ? {} : { usefulGflops: c.flops / (medianMs * 1e6) };
        rows.push({ ...who, case: c.name, size: c.size, [c.metric]: rate(c, medianMs), ...useful, medianMs, runs: times[k].length, note: null });
      });
      const unit = c.metric === 'gflops' ? 'GFLOP/s' : 'tokens/s';
      const measured = contenders.map((who, k) => `${who.library} ${rate(c, median(times[k])).toFixed(c.metric === 'gflops' ? 1 : 0)}`);
      options.log(`${c.name} ${c.size}: ${measured.join(', ')} ${unit}`);
    } finally {
      await session?.release();
      c.dispose();
    }
  }
  return { rows, onnxruntime: 'error' in loaded ? { error: loaded.error } : { version: loaded.version } };
}
