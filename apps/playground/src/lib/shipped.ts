// The checkpoints shipped with the playground: their files, and rebuilding each model and its vocabulary from the bytes.
import { TransformerLM } from '@seqlab/attention';
import { decodeCheckpoint, restoreCheckpoint } from '@seqlab/autograd';
import { CharTokenizer, WordTokenizer, type CharTokenizerJSON, type WordTokenizerJSON } from '@seqlab/datasets';
import { buildLanguageModel, RecurrentLM, Seq2Seq, type LanguageModelSpec, type Seq2SeqConfig } from '@seqlab/recurrent';
import { InvalidArgumentError } from '@seqlab/tensor-core';

/**
 * File names (under the site's `checkpoints/` folder) of the shipped models, written by
 * `node apps/playground/scripts/train-checkpoints.mjs`.
 *
 * @example
 * ```ts
 * const bytes = new Uint8Array(await (await fetch(`checkpoints/${SHIPPED_FILES.transformer}`)).arrayBuffer());
 * ```
 */
export const SHIPPED_FILES = {
  transformer: 'transformer-lm.safetensors',
  lstm: 'lstm-lm.safetensors',
  seq2seq: 'seq2seq-attention.safetensors',
} as const;

/** Which shipped model. */
export type ShippedName = keyof typeof SHIPPED_FILES;

/** How a shipped model was trained and what it scored, from its `seqlab.playground` metadata (all measured by the script). */
export interface TrainingFacts {
  readonly command: string;
  readonly seed: number;
  readonly steps: number;
  readonly seconds: number;
  readonly trainLoss: number;
  /** Validation loss in nats per token (held-out sentences for seq2seq). */
  readonly validLoss: number;
  readonly backend: string;
  readonly threads: number;
  readonly [key: string]: unknown;
}

/** A rebuilt shipped model with its vocabulary. */
export type LoadedModel =
  | { readonly kind: 'transformer'; readonly model: TransformerLM; readonly tokenizer: CharTokenizer; readonly facts: TrainingFacts }
  | { readonly kind: 'lstm'; readonly model: RecurrentLM; readonly tokenizer: CharTokenizer; readonly facts: TrainingFacts }
  | { readonly kind: 'seq2seq'; readonly model: Seq2Seq; readonly source: WordTokenizer; readonly target: WordTokenizer; readonly facts: TrainingFacts };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Rebuilds a model from checkpoint bytes in the layout `seqlab train` and the training script write (`config` metadata
 * `{ kind, config }`, `vocab` the tokenizer JSON, or `{ source, target }` for seq2seq), loads its weights strictly
 * and puts it in evaluation mode.
 *
 * @example
 * ```ts
 * const loaded = modelFromCheckpoint(bytes);
 * if (loaded.kind === 'transformer') loaded.model.forwardWithWeights(ids);
 * ```
 */
export function modelFromCheckpoint(bytes: Uint8Array): LoadedModel {
  const checkpoint = decodeCheckpoint(bytes);
  const spec = checkpoint.config;
  if (!isRecord(spec) || typeof spec.kind !== 'string' || !isRecord(spec.config)) {
    throw new InvalidArgumentError(`modelFromCheckpoint: metadata 'config' must be { kind, config }; received ${JSON.stringify(spec)}`);
  }
  const facts = JSON.parse(checkpoint.metadata['seqlab.playground'] ?? '{}') as TrainingFacts;
  const vocab = checkpoint.vocab;
  let loaded: LoadedModel;
  if (spec.kind === 'transformer' || spec.kind === 'lstm') {
    // The language models are built by the one definition the CLI and the training view share.
    const model = buildLanguageModel(spec as unknown as LanguageModelSpec);
    const tokenizer = CharTokenizer.fromJSON(vocab as CharTokenizerJSON);
    loaded =
      model instanceof TransformerLM ? { kind: 'transformer', model, tokenizer, facts } : { kind: 'lstm', model: model as RecurrentLM, tokenizer, facts };
  } else if (spec.kind === 'seq2seq' && isRecord(vocab)) {
    const model = new Seq2Seq(spec.config as unknown as Seq2SeqConfig);
    const source = WordTokenizer.fromJSON(vocab.source as WordTokenizerJSON);
    loaded = { kind: 'seq2seq', model, source, target: WordTokenizer.fromJSON(vocab.target as WordTokenizerJSON), facts };
  } else {
    throw new InvalidArgumentError(`modelFromCheckpoint: metadata 'config.kind' must be transformer, lstm or seq2seq (with a vocab); received ${spec.kind}`);
  }
  restoreCheckpoint(checkpoint, { model: loaded.model });
  loaded.model.eval();
  return loaded;
}

/**
 * Fetches and rebuilds a shipped model; `base` is the site's base URL (Vite's `import.meta.env.BASE_URL`).
 *
 * @example
 * ```ts
 * const { model, tokenizer } = (await fetchShipped('lstm', import.meta.env.BASE_URL)) as Extract<LoadedModel, { kind: 'lstm' }>;
 * ```
 */
export async function fetchShipped(name: ShippedName, base: string): Promise<LoadedModel> {
  const url = `${base}checkpoints/${SHIPPED_FILES[name]}`;
  const response = await fetch(url);
  if (!response.ok) throw new InvalidArgumentError(`fetchShipped: '${url}' answered ${response.status} ${response.statusText}`);
  return modelFromCheckpoint(new Uint8Array(await response.arrayBuffer()));
}

/** The example sentences the views open on (`checkpoints/examples.json`, written by the training script). */
export interface ShippedExamples {
  /** Validation-split passages of tiny-shakespeare for the language models. */
  readonly passages: readonly string[];
  /** Toy translation pairs (English source, Spanish reference). */
  readonly translations: readonly { readonly source: string; readonly target: string }[];
  /** A longer validation passage for the state views. */
  readonly text: string;
}
