// Runs in a browser page (bundled from the built packages by test/browser-bundles.test.ts): trains a small LSTM LM and a
// small Transformer LM on the wasm backend, round-trips each through checkpoint bytes, and tries the Node-only file helpers.
import { Adam, decodeCheckpoint, encodeCheckpoint, loadCheckpoint, restoreCheckpoint, saveCheckpoint, type Module } from '@seqlab/autograd';
import { TransformerLM } from '@seqlab/attention';
import { CharTokenizer } from '@seqlab/datasets';
import { ready } from '@seqlab/kernels-wasm';
import { RecurrentLM } from '@seqlab/recurrent';
import { Generator, getBackend, SeqlabError, Tensor, tensor, UnsupportedRuntimeError } from '@seqlab/tensor-core';

/** One model's run in the page. */
export interface ModelRun {
  /** Backend of the model's parameters. */
  backend: string;
  /** Training loss before each step. */
  losses: number[];
  /** Size of the encoded checkpoint. */
  checkpointBytes: number;
  /** Largest |logit| difference between the trained model and a freshly initialised one (before restoring). */
  diffBeforeRestore: number;
  /** Largest |logit| difference between the trained model and the fresh one after restoring the decoded bytes. */
  diffAfterRestore: number;
  /** The config the checkpoint carried, as decoded. */
  config: unknown;
}

/** A typed error as the page saw it. */
export interface PageError {
  /** `instanceof UnsupportedRuntimeError` (class names may be renamed by a bundler). */
  unsupportedRuntime: boolean;
  code: string | undefined;
  message: string;
}

/** What the page reports back to the test. */
export interface TrainResult {
  backend: string;
  crossOriginIsolated: boolean;
  lstm?: ModelRun;
  transformer?: ModelRun;
  saveCheckpointError?: PageError;
  loadCheckpointError?: PageError;
  error?: string;
}

interface LanguageModel extends Module {
  forward(ids: Tensor): Tensor | { logits: Tensor };
  loss(ids: Tensor, targets: Tensor): Tensor | { loss: Tensor };
}

const TEXT = 'the quick brown fox jumps over the lazy dog; a lazy dog sleeps while the brown fox runs. ';
const BATCH = 4;
const SEQ = 16;
const STEPS = 8;

/** `[BATCH, SEQ]` inputs and their next-character targets, from evenly spaced windows of the text. */
function batch(ids: Int32Array): { inputs: Tensor; targets: Tensor } {
  const inputs = new Int32Array(BATCH * SEQ);
  const targets = new Int32Array(BATCH * SEQ);
  for (let b = 0; b < BATCH; b++) {
    const start = b * 19;
    inputs.set(ids.subarray(start, start + SEQ), b * SEQ);
    targets.set(ids.subarray(start + 1, start + SEQ + 1), b * SEQ);
  }
  return { inputs: tensor(inputs, [BATCH, SEQ], 'int32'), targets: tensor(targets, [BATCH, SEQ], 'int32') };
}

// The two models' forward and loss return a tensor or an object holding it; either is read the same way.
const logitsOf = (out: Tensor | { logits: Tensor }): ArrayLike<number> => (out instanceof Tensor ? out : out.logits).dataSync();
const lossOf = (out: Tensor | { loss: Tensor }): Tensor => (out instanceof Tensor ? out : out.loss);

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** Trains `model` for a few Adam steps on one batch, then restores its checkpoint bytes into `fresh` (built from the decoded config). */
function trainAndRoundTrip<M extends LanguageModel>(model: M, config: unknown, rebuild: (config: unknown) => M, ids: Int32Array): ModelRun {
  const { inputs, targets } = batch(ids);
  const optimizer = new Adam(model.parameters(), { lr: 1e-2 });
  const losses: number[] = [];
  for (let step = 0; step < STEPS; step++) {
    const loss = lossOf(model.loss(inputs, targets));
    losses.push(loss.item());
    loss.backward();
    optimizer.step();
    optimizer.zeroGrad();
  }
  const bytes = encodeCheckpoint({ model, config, step: STEPS });
  const decoded = decodeCheckpoint(bytes);
  const fresh = rebuild(decoded.config);
  const trained = logitsOf(model.forward(inputs));
  const diffBeforeRestore = maxDiff(trained, logitsOf(fresh.forward(inputs)));
  restoreCheckpoint(decoded, { model: fresh });
  const diffAfterRestore = maxDiff(trained, logitsOf(fresh.forward(inputs)));
  return { backend: model.parameters()[0].backendName, losses, checkpointBytes: bytes.length, diffBeforeRestore, diffAfterRestore, config: decoded.config };
}

async function errorOf(call: () => Promise<unknown>): Promise<PageError | undefined> {
  try {
    await call();
    return undefined;
  } catch (e) {
    const code = e instanceof SeqlabError ? e.code : undefined;
    return { unsupportedRuntime: e instanceof UnsupportedRuntimeError, code, message: String((e as Error).message) };
  }
}

async function run(): Promise<TrainResult> {
  await ready();
  const tok = CharTokenizer.fromText(TEXT);
  const ids = tok.encode(TEXT);
  const lstmConfig = { vocabSize: tok.vocabSize, embeddingDim: 16, hiddenSize: 32, cell: 'lstm' as const };
  const lstm = trainAndRoundTrip(
    new RecurrentLM(lstmConfig, { generator: new Generator(1) }),
    lstmConfig,
    (config) => new RecurrentLM(config as typeof lstmConfig, { generator: new Generator(2) }),
    ids,
  );
  const transformerConfig = { vocabSize: tok.vocabSize, contextLength: SEQ, numLayers: 2, numHeads: 2, dModel: 32 };
  const transformer = trainAndRoundTrip(
    new TransformerLM(transformerConfig, { generator: new Generator(1) }),
    transformerConfig,
    (config) => new TransformerLM(config as typeof transformerConfig, { generator: new Generator(2) }),
    ids,
  );
  const model = new RecurrentLM(lstmConfig, { generator: new Generator(3) });
  return {
    backend: getBackend().name,
    crossOriginIsolated: globalThis.crossOriginIsolated,
    lstm,
    transformer,
    saveCheckpointError: await errorOf(() => saveCheckpoint('model.safetensors', { model })),
    loadCheckpointError: await errorOf(() => loadCheckpoint('model.safetensors')),
  };
}

(globalThis as { seqlabResult?: Promise<TrainResult> }).seqlabResult = run().catch((e: unknown) => ({
  backend: getBackend().name,
  crossOriginIsolated: globalThis.crossOriginIsolated,
  error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e),
}));
