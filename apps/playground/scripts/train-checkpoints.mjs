// Trains the playground's three small shipped checkpoints (a causal Transformer LM and an LSTM LM on a slice of
// tiny-shakespeare, a GRU seq2seq with additive attention on the toy translation task) and writes them, with the
// example sentences the views open on, to apps/playground/public/checkpoints/. Deterministic: fixed seeds, wasm backend.
//
// Reproduce (after `pnpm install && pnpm build` at the repository root):
//   node apps/playground/scripts/train-checkpoints.mjs
// Options: --out DIR (default apps/playground/public/checkpoints), --only transformer|lstm|seq2seq|examples, --quick (10 steps each, for a smoke run).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { TransformerLM } from '@seqlab/attention';
import { AdamW, clipGradNorm, crossEntropy, encodeCheckpoint, noGrad } from '@seqlab/autograd';
import { CharTokenizer, loadCorpus, randomWindows, seq2seqCollate, ToyTranslation } from '@seqlab/datasets';
import { wasmThreadInfo } from '@seqlab/kernels-wasm';
import { RecurrentLM, Seq2Seq } from '@seqlab/recurrent';
import { Generator, getBackend, mul, reshape, sum, tensor } from '@seqlab/tensor-core';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: resolve(here, '../public/checkpoints') },
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
  },
});
const COMMAND = 'node apps/playground/scripts/train-checkpoints.mjs';

/** Characters of tiny-shakespeare's training split the language models learn from, and of its validation split they are scored on. */
const TRAIN_CHARS = 200_000;
const VALID_CHARS = 20_000;

const corpus = loadCorpus('tinyshakespeare');
// The vocabulary of the whole corpus (65 characters), so anything typed from it is in the vocabulary.
const charTokenizer = CharTokenizer.fromText(corpus.text);
const trainIds = charTokenizer.encode(corpus.train.slice(0, TRAIN_CHARS));
const validIds = charTokenizer.encode(corpus.validation.slice(0, VALID_CHARS));

/** Runs `steps` optimisation steps of `lossOf(step)`; returns the mean loss of the last tenth of the steps and the time taken. */
function train(name, model, steps, lr, lossOf) {
  const optimizer = new AdamW(model.parameters(), { lr, weightDecay: 0.01 });
  const start = performance.now();
  const tail = [];
  for (let step = 0; step < steps; step++) {
    optimizer.zeroGrad();
    const loss = lossOf(step);
    loss.backward();
    clipGradNorm(model.parameters(), 1);
    optimizer.step();
    const value = loss.item();
    if (step >= steps - Math.max(1, Math.floor(steps / 10))) tail.push(value);
    if (step % 50 === 0 || step === steps - 1) console.log(`${name} step ${step}: loss ${value.toFixed(4)}`);
  }
  const seconds = (performance.now() - start) / 1000;
  return { trainLoss: tail.reduce((a, b) => a + b, 0) / tail.length, seconds };
}

/** Mean validation loss (nats per character) of a language model over consecutive windows of the validation slice. */
function validationLoss(model, seqLen) {
  model.eval();
  const result = model.evaluate(validIds, { seqLen, batchSize: 8 });
  model.train();
  return result.nats;
}

async function save(file, contents) {
  const bytes = encodeCheckpoint(contents);
  await mkdir(args.out, { recursive: true });
  await writeFile(join(args.out, file), bytes);
  console.log(`wrote ${file}: ${bytes.length} bytes`);
  return bytes.length;
}

/** The playground metadata every shipped checkpoint carries: how it was made and what it scored. */
function provenance(facts) {
  return { 'seqlab.playground': JSON.stringify({ command: COMMAND, backend: getBackend().name, threads: wasmThreadInfo().threads, ...facts }) };
}

const STEPS = args.quick ? 10 : undefined;

/**
 * Trains a character LM built by `build(generator)` on random windows of the training slice (the same generator then
 * draws the windows), scores it on the validation slice and saves it in the CLI's checkpoint layout.
 */
async function trainCharLm({ kind, file, seed, steps, lr, build }) {
  const seqLen = 64,
    batchSize = 16;
  const generator = new Generator(seed);
  const model = build(generator, seqLen);
  const facts = train(kind, model, steps, lr, () => {
    const batch = randomWindows(trainIds, { batchSize, seqLen, generator });
    return model.loss(batch.inputs, batch.targets);
  });
  const validLoss = validationLoss(model, seqLen);
  console.log(`${kind}: validation loss ${validLoss.toFixed(4)} nats/char, ${facts.seconds.toFixed(1)} s`);
  return save(file, {
    model,
    step: steps,
    config: { kind, config: { ...model.config } },
    vocab: charTokenizer.toJSON(),
    metadata: provenance({ seed, steps, batchSize, seqLen, lr, trainChars: TRAIN_CHARS, ...facts, validLoss }),
  });
}

const trainTransformer = () =>
  trainCharLm({
    kind: 'transformer',
    file: 'transformer-lm.safetensors',
    seed: 1,
    steps: STEPS ?? 1200,
    lr: 3e-3,
    build: (generator, seqLen) =>
      new TransformerLM(
        { vocabSize: charTokenizer.vocabSize, contextLength: seqLen, numLayers: 2, numHeads: 4, dModel: 32, dFF: 128, dropout: 0 },
        { generator },
      ),
  });

const trainLstm = () =>
  trainCharLm({
    kind: 'lstm',
    file: 'lstm-lm.safetensors',
    seed: 2,
    steps: STEPS ?? 1500,
    lr: 1e-2,
    build: (generator) => new RecurrentLM({ vocabSize: charTokenizer.vocabSize, embeddingDim: 16, hiddenSize: 64, cell: 'lstm' }, { generator }),
  });

/** Toy translation sentence lengths (English words) of the shipped seq2seq model. */
const TRANSLATION = { minLength: 3, maxLength: 8 };

async function trainSeq2Seq() {
  const seed = 3,
    batchSize = 32,
    steps = STEPS ?? 1500;
  const data = new ToyTranslation({ ...TRANSLATION, seed });
  const { sourceTokenizer, targetTokenizer } = data;
  const collate = seq2seqCollate(sourceTokenizer, targetTokenizer);
  const config = {
    sourceVocabSize: sourceTokenizer.vocabSize,
    targetVocabSize: targetTokenizer.vocabSize,
    embeddingDim: 16,
    hiddenSize: 32,
    cell: 'gru',
    attention: true,
  };
  const model = new Seq2Seq(config, { generator: new Generator(seed) });
  const lossOf = (pairs) => {
    const b = collate(pairs);
    const logits = model.forward(b.sourceTokens, b.targetInputs, { sourceLengths: b.sourceLengths.dataSync() });
    const [B, T, V] = logits.shape;
    const perStep = crossEntropy(reshape(logits, [B * T, V]), reshape(b.targetOutputs, [B * T]), { reduction: 'none' });
    const mask = reshape(b.targetMask, [B * T]);
    return mul(sum(mul(perStep, mask)), 1 / mask.dataSync().reduce((a, v) => a + v, 0));
  };
  const facts = train('seq2seq', model, steps, 1e-2, () => lossOf(data.sample(batchSize)));
  // Held-out score: exact-match accuracy of greedy decoding on fresh sentences from another seed.
  const heldOut = new ToyTranslation({ ...TRANSLATION, seed: 1000 }).sample(200);
  const decoded = model.greedyDecode(collate(heldOut).sourceTokens, {
    startToken: targetTokenizer.bosId,
    endToken: targetTokenizer.eosId,
    maxLength: 24,
    sourceLengths: collate(heldOut).sourceLengths.dataSync(),
  });
  const exact = decoded.filter((d, i) => targetTokenizer.decode(d.tokens) === heldOut[i].target).length / heldOut.length;
  const validLoss = noGrad(() => lossOf(heldOut)).item();
  console.log(`seq2seq: held-out loss ${validLoss.toFixed(4)}, exact match ${(exact * 100).toFixed(1)}%, ${facts.seconds.toFixed(1)} s`);
  return save('seq2seq-attention.safetensors', {
    model,
    step: steps,
    config: { kind: 'seq2seq', config: { ...model.config } },
    vocab: { source: sourceTokenizer.toJSON(), target: targetTokenizer.toJSON() },
    metadata: provenance({ seed, steps, batchSize, lr: 1e-2, task: 'toy-translation', ...TRANSLATION, ...facts, validLoss, exactMatch: exact }),
  });
}

/** Example inputs the views open on: validation-split passages for the language models and fresh translation pairs. */
async function writeExamples() {
  const passages = [];
  for (const start of [0, 4000, 8000, 12000]) {
    const at = corpus.validation.indexOf('\n\n', start) + 2;
    const end = corpus.validation.indexOf('\n', corpus.validation.indexOf('\n', at) + 1);
    passages.push(corpus.validation.slice(at, Math.min(end, at + 60)));
  }
  const translations = new ToyTranslation({ ...TRANSLATION, seed: 2024 }).sample(6).map(({ source, target }) => ({ source, target }));
  // The state view's text starts at the first speaker of the validation split.
  const first = corpus.validation.indexOf('\n\n') + 2;
  const examples = { passages, translations, text: corpus.validation.slice(first, first + 400) };
  await mkdir(args.out, { recursive: true });
  await writeFile(join(args.out, 'examples.json'), JSON.stringify(examples, null, 2) + '\n');
  console.log(`wrote examples.json: ${passages.length} passages, ${translations.length} translations`);
}

const jobs = { transformer: trainTransformer, lstm: trainLstm, seq2seq: trainSeq2Seq, examples: writeExamples };
if (args.only !== undefined && !(args.only in jobs)) throw new Error(`--only must be one of ${Object.keys(jobs).join(', ')}; received ${args.only}`);
console.log(`backend ${getBackend().name}, ${wasmThreadInfo().threads} thread(s)`);
for (const [name, job] of Object.entries(jobs)) if (args.only === undefined || args.only === name) await job();
// The wasm worker threads keep the event loop alive.
process.exit(0);
