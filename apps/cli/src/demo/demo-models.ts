// The two models the demo compares, sized so that both learn visibly in about a minute each on two cores.
import type { LanguageModelKind, LanguageModelSize } from '@seqlab/recurrent';

/** One contestant of the demo. */
export interface DemoModel {
  /** Name in the table, the chart and the run folder. */
  readonly name: string;
  /** Model family. */
  readonly kind: LanguageModelKind;
  /** Its size (vocabulary and context come from the corpus and the window length). */
  readonly size: Omit<LanguageModelSize, 'vocabSize' | 'contextLength'>;
  /** AdamW learning rate. */
  readonly lr: number;
}

/**
 * A one-layer LSTM (about 149k parameters) and a two-block causal Transformer (about 105k parameters). On the
 * TypeScript CPU backend of a loaded two-core machine both train at roughly 1,500–2,000 characters per second and
 * reach 2.1–2.6 nats within a minute, well below the 3.3 nats of a unigram model; faster backends get further.
 */
export const DEMO_MODELS: readonly DemoModel[] = [
  { name: 'LSTM', kind: 'lstm', size: { hiddenSize: 128, numLayers: 1, numHeads: 1 }, lr: 5e-3 },
  { name: 'Transformer', kind: 'transformer', size: { hiddenSize: 64, numLayers: 2, numHeads: 4 }, lr: 3e-3 },
];

/** Characters per training window (and the Transformer's context). */
export const DEMO_SEQ_LEN = 64;

/** Windows per batch. */
export const DEMO_BATCH_SIZE = 16;

/** Default training seconds per model: two models, the evaluations and the samples take about two and a half minutes. */
export const DEMO_SECONDS_PER_MODEL = 60;

/** Validation characters of each point of the curves. */
export const DEMO_CURVE_TOKENS = 4096;

/** Validation characters of the final comparison. */
export const DEMO_FINAL_TOKENS = 16384;

/** Prompt both models continue. */
export const DEMO_PROMPT = 'ROMEO:';
