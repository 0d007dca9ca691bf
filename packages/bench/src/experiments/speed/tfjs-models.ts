// TensorFlow.js equivalents of the speed experiment's LSTM and Transformer encoder training steps, for side-by-side
// rows. TF.js is loaded at run time; when it cannot be imported the rows say why instead of giving a number.
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

/** The subset of the TF.js namespace the experiments use (typed loosely so the package builds without TF.js). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type TF = any;

/** A loaded TF.js with the backend it runs on. */
export interface LoadedTfjs {
  /** The TF.js namespace. */
  readonly tf: TF;
  /** `tf.version.tfjs`. */
  readonly version: string;
  /** `wasm` when its WebAssembly backend initialised, else `cpu`. */
  readonly backend: string;
}

/** Imports TF.js and selects its WebAssembly backend when it initialises; returns the reason on failure. */
export async function loadTfjs(preferWasm = true): Promise<LoadedTfjs | { error: string }> {
  let tf: TF;
  try {
    tf = await import('@tensorflow/tfjs');
  } catch (e) {
    return { error: `@tensorflow/tfjs is not importable: ${(e as Error).message.split('\n')[0]}` };
  }
  let backend = 'cpu';
  if (preferWasm) {
    try {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // In Node the .wasm binaries sit beside the package's entry file; point the loader at that folder.
      const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths(`${join(dirname(entry), '')}/`);
      if (await tf.setBackend('wasm')) backend = 'wasm';
    } catch {
      // The pure-JavaScript CPU backend is the fallback; the row records which one ran.
      backend = 'cpu';
    }
  }
  if (backend === 'cpu') await tf.setBackend('cpu');
  await tf.ready();
  return { tf, version: String(tf.version?.tfjs ?? 'unknown'), backend };
}

/** Sizes shared by the TF.js models and their seqlab counterparts. */
export interface TfjsModelSizes {
  /** Vocabulary. */
  readonly vocabSize: number;
  /** Embedding width. */
  readonly embeddingSize: number;
  /** Hidden width (LSTM state, Transformer model width). */
  readonly hiddenSize: number;
  /** Transformer heads. */
  readonly heads: number;
}

/** A TF.js model ready to time: a forward pass and a training step (forward, loss, gradients, Adam update). */
export interface TfjsRunner {
  /** Runs the forward pass on `[batch, length]` ids and waits for the result. */
  forward(): Promise<void>;
  /** Runs one training step and waits for the loss. */
  trainStep(): Promise<void>;
  /** Frees the runner's tensors. */
  dispose(): void;
}

function randomIds(tf: TF, batch: number, length: number, vocab: number, seed: number): TF {
  return tf.randomUniform([batch, length], 0, vocab, 'int32', seed);
}

/** Embedding → LSTM (returnSequences) → dense head, trained with Adam on next-token cross-entropy. */
export function tfjsLstm(t: LoadedTfjs, sizes: TfjsModelSizes, batch: number, length: number, seed: number): TfjsRunner {
  const tf = t.tf;
  const model = tf.sequential();
  model.add(tf.layers.embedding({ inputDim: sizes.vocabSize, outputDim: sizes.embeddingSize, inputLength: length }));
  model.add(tf.layers.lstm({ units: sizes.hiddenSize, returnSequences: true }));
  model.add(tf.layers.dense({ units: sizes.vocabSize }));
  return layersRunner(tf, model, batch, length, sizes.vocabSize, seed);
}

function layersRunner(tf: TF, model: TF, batch: number, length: number, vocab: number, seed: number): TfjsRunner {
  const x = randomIds(tf, batch, length, vocab, seed);
  const y = tf.oneHot(randomIds(tf, batch, length, vocab, seed + 1), vocab);
  const optimizer = tf.train.adam(1e-3);
  return {
    async forward() {
      const out = tf.tidy(() => model.apply(x, { training: false }));
      await out.data();
      out.dispose();
    },
    async trainStep() {
      const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })), true);
      await loss.data();
      loss.dispose();
    },
    dispose() {
      x.dispose();
      y.dispose();
      model.dispose();
      optimizer.dispose();
    },
  };
}

/**
 * Embedding → (width projection) + sinusoidal positions → one pre-norm Transformer block (4-head self-attention
 * and a GELU feed-forward of 4·width, composed from tf ops because TF.js has no attention layer) → dense head.
 */
export function tfjsTransformer(t: LoadedTfjs, sizes: TfjsModelSizes, batch: number, length: number, seed: number): TfjsRunner {
  const tf = t.tf;
  const d = sizes.hiddenSize;
  const h = sizes.heads;
  const dh = d / h;
  let s = seed;
  const glorot = (shape: number[]): TF => tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / (shape[0] + shape[shape.length - 1])), 'float32', s++));
  const zeros = (n: number): TF => tf.variable(tf.zeros([n]));
  const ones = (n: number): TF => tf.variable(tf.ones([n]));
  const w = {
    emb: glorot([sizes.vocabSize, sizes.embeddingSize]),
    proj: glorot([sizes.embeddingSize, d]),
    ln1g: ones(d),
    ln1b: zeros(d),
    wqkv: glorot([d, 3 * d]),
    bqkv: zeros(3 * d),
    wo: glorot([d, d]),
    bo: zeros(d),
    ln2g: ones(d),
    ln2b: zeros(d),
    w1: glorot([d, 4 * d]),
    b1: zeros(4 * d),
    w2: glorot([4 * d, d]),
    b2: zeros(d),
    head: glorot([d, sizes.vocabSize]),
    bh: zeros(sizes.vocabSize),
  };
  const pe = tf.tidy(() => {
    const values = new Float32Array(length * d);
    for (let p = 0; p < length; p++)
      for (let i = 0; i < d; i += 2) {
        const a = p / Math.pow(10000, i / d);
        values[p * d + i] = Math.sin(a);
        if (i + 1 < d) values[p * d + i + 1] = Math.cos(a);
      }
    return tf.tensor2d(values, [length, d]);
  });
  const layerNorm = (x: TF, g: TF, b: TF): TF => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b);
  };
  const dense = (x: TF, wt: TF, b: TF): TF => {
    const [B, L] = x.shape;
    return tf.reshape(tf.add(tf.matMul(tf.reshape(x, [B * L, x.shape[2]]), wt), b), [B, L, wt.shape[1]]);
  };
  const gelu = (x: TF): TF => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))));
  const forward = (ids: TF): TF => {
    const B = ids.shape[0];
    const e = tf.add(dense(tf.gather(w.emb, ids), w.proj, tf.zerosLike(w.bo)), pe);
    const qkv = dense(layerNorm(e, w.ln1g, w.ln1b), w.wqkv, w.bqkv);
    const heads = (k: number): TF => tf.transpose(tf.reshape(tf.slice(qkv, [0, 0, k * d], [B, length, d]), [B, length, h, dh]), [0, 2, 1, 3]);
    const scores = tf.div(tf.matMul(heads(0), heads(1), false, true), Math.sqrt(dh));
    const ctx = tf.matMul(tf.softmax(scores), heads(2));
    const merged = tf.reshape(tf.transpose(ctx, [0, 2, 1, 3]), [B, length, d]);
    const a = tf.add(e, dense(merged, w.wo, w.bo));
    const f = dense(gelu(dense(layerNorm(a, w.ln2g, w.ln2b), w.w1, w.b1)), w.w2, w.b2);
    return dense(tf.add(a, f), w.head, w.bh);
  };
  const x = randomIds(tf, batch, length, sizes.vocabSize, seed);
  const y = tf.oneHot(randomIds(tf, batch, length, sizes.vocabSize, seed + 1), sizes.vocabSize);
  const optimizer = tf.train.adam(1e-3);
  return {
    async forward() {
      const out = tf.tidy(() => forward(x));
      await out.data();
      out.dispose();
    },
    async trainStep() {
      const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, forward(x)), true);
      await loss.data();
      loss.dispose();
    },
    dispose() {
      x.dispose();
      y.dispose();
      pe.dispose();
      for (const v of Object.values(w)) (v as TF).dispose();
      optimizer.dispose();
    },
  };
}
