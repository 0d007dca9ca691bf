// TensorFlow.js equivalents of the training-step cases: an LSTM language model (tf.layers.lstm between a hand-held
// embedding and head) and one post-norm Transformer encoder block composed from tf ops, both trained with
// tf.train.adam. TF.js is typed loosely so this package builds and runs without it.
import type { TrainingStep } from './contender.js';
import type { LstmShape, TransformerShape } from './training-shapes.js';

/** The TF.js namespace (typed loosely: TF.js is an optional peer). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TF = any;

/**
 * Embedding lookup `[batch, length] → [batch, length, width]`. Gather's gradient needs the UnsortedSegmentSum
 * kernel, which TF.js's wasm backend lacks; there the lookup is a one-hot matmul, and the note says so.
 */
function embeddingLookup(tf: TF, table: TF, ids: TF): { lookup: () => TF; note: string | null } {
  if (tf.getKernel('UnsortedSegmentSum', tf.getBackend()) !== undefined) return { lookup: () => tf.gather(table, ids), note: null };
  const [batch, length] = ids.shape as number[];
  const [rows, width] = table.shape as number[];
  const oneHot = tf.oneHot(tf.reshape(ids, [-1]), rows).asType('float32');
  return {
    lookup: () => tf.reshape(tf.matMul(oneHot, table), [batch, length, width]),
    note: `embedding as a one-hot matmul: TF.js ${String(tf.getBackend())} has no UnsortedSegmentSum kernel for gather's gradient`,
  };
}

/** A step minimising `loss` over `variables` with Adam; the loss is read back so the work completes in the timing. */
function adamStep(tf: TF, variables: TF[], loss: () => TF, owned: TF[], note: string | null, disposeExtra: () => void = () => {}): TrainingStep {
  const optimizer = tf.train.adam(1e-3);
  return {
    note,
    run() {
      const l = optimizer.minimize(loss, true, variables);
      const value = l.dataSync()[0] as number;
      l.dispose();
      return value;
    },
    dispose() {
      optimizer.dispose();
      for (const t of owned) t.dispose();
      disposeExtra();
    },
  };
}

function glorot(tf: TF, shape: number[], seed: number): TF {
  return tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / (shape[0] + shape[shape.length - 1])), 'float32', seed));
}

/** `[B, L, in] · [in, out] + b` as one 2-D product. */
function dense(tf: TF, x: TF, w: TF, b: TF): TF {
  const [batch, length, features] = x.shape as number[];
  return tf.reshape(tf.add(tf.matMul(tf.reshape(x, [batch * length, features]), w), b), [batch, length, w.shape[1]]);
}

/** Random ids and one-hot targets `[batch·length, vocab]`. */
function tokens(tf: TF, batch: number, length: number, vocab: number, seed: number): { ids: TF; targets: TF } {
  const ids = tf.randomUniform([batch, length], 0, vocab, 'int32', seed);
  const targets = tf.oneHot(tf.reshape(tf.randomUniform([batch, length], 0, vocab, 'int32', seed + 1), [-1]), vocab);
  return { ids, targets };
}

/** TF.js LSTM language-model step on the active backend. */
export function tfjsLstmStep(tf: TF, shape: LstmShape, seed: number): TrainingStep {
  const { ids, targets } = tokens(tf, shape.batch, shape.length, shape.vocabSize, seed);
  const table = glorot(tf, [shape.vocabSize, shape.embeddingSize], seed + 2);
  const headW = glorot(tf, [shape.hiddenSize, shape.vocabSize], seed + 3);
  const headB = tf.variable(tf.zeros([shape.vocabSize]));
  const lstm = tf.layers.lstm({ units: shape.hiddenSize, returnSequences: true, kernelInitializer: tf.initializers.glorotUniform({ seed }) });
  const embedding = embeddingLookup(tf, table, ids);
  // Building the layer on a concrete input creates its weights, whose variables Adam then updates.
  tf.tidy(() => lstm.apply(tf.zeros([1, 1, shape.embeddingSize])));
  const variables = [table, headW, headB, ...lstm.trainableWeights.map((w: TF) => w.read())];
  const loss = (): TF => {
    const hidden = lstm.apply(embedding.lookup());
    const logits = tf.reshape(dense(tf, hidden, headW, headB), [-1, shape.vocabSize]);
    return tf.losses.softmaxCrossEntropy(targets, logits);
  };
  return adamStep(tf, variables, loss, [ids, targets, table, headW, headB], embedding.note, () => lstm.dispose());
}

/** Mean 0, variance 1 over the last axis, then gain and bias. */
function layerNorm(tf: TF, x: TF, gain: TF, bias: TF): TF {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gain), bias);
}

/** TF.js Transformer-block step on the active backend, matching seqlab's TransformerEncoderLayer (post-norm, ReLU). */
export function tfjsTransformerStep(tf: TF, shape: TransformerShape, seed: number): TrainingStep {
  const { batch, length, dModel: d, heads, ffnWidth, vocabSize } = shape;
  const headWidth = d / heads;
  const inputs = tf.randomNormal([batch, length, d], 0, 1, 'float32', seed);
  const { targets } = tokens(tf, batch, length, vocabSize, seed + 1);
  const w = {
    qkv: glorot(tf, [d, 3 * d], seed + 2),
    qkvBias: tf.variable(tf.zeros([3 * d])),
    out: glorot(tf, [d, d], seed + 3),
    outBias: tf.variable(tf.zeros([d])),
    norm1Gain: tf.variable(tf.ones([d])),
    norm1Bias: tf.variable(tf.zeros([d])),
    ffn1: glorot(tf, [d, ffnWidth], seed + 4),
    ffn1Bias: tf.variable(tf.zeros([ffnWidth])),
    ffn2: glorot(tf, [ffnWidth, d], seed + 5),
    ffn2Bias: tf.variable(tf.zeros([d])),
    norm2Gain: tf.variable(tf.ones([d])),
    norm2Bias: tf.variable(tf.zeros([d])),
    head: glorot(tf, [d, vocabSize], seed + 6),
    headBias: tf.variable(tf.zeros([vocabSize])),
  };
  // Additive mask: -1e9 above the diagonal hides future positions from each query.
  const maskBias = shape.causal ? tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([length, length]), -1, 0)), -1e9) : tf.zeros([length, length]);
  const loss = (): TF => {
    const qkv = dense(tf, inputs, w.qkv, w.qkvBias);
    const split = (k: number): TF =>
      tf.transpose(tf.reshape(tf.slice(qkv, [0, 0, k * d], [batch, length, d]), [batch, length, heads, headWidth]), [0, 2, 1, 3]);
    const scores = tf.add(tf.div(tf.matMul(split(0), split(1), false, true), Math.sqrt(headWidth)), maskBias);
    const context = tf.reshape(tf.transpose(tf.matMul(tf.softmax(scores), split(2)), [0, 2, 1, 3]), [batch, length, d]);
    const x1 = layerNorm(tf, tf.add(inputs, dense(tf, context, w.out, w.outBias)), w.norm1Gain, w.norm1Bias);
    const ffn = dense(tf, tf.relu(dense(tf, x1, w.ffn1, w.ffn1Bias)), w.ffn2, w.ffn2Bias);
    const x2 = layerNorm(tf, tf.add(x1, ffn), w.norm2Gain, w.norm2Bias);
    return tf.losses.softmaxCrossEntropy(targets, tf.reshape(dense(tf, x2, w.head, w.headBias), [-1, vocabSize]));
  };
  const variables = Object.values(w);
  return adamStep(tf, variables, loss, [inputs, targets, maskBias, ...variables], null);
}
