// The two models the demo compares, sized so that both learn visibly in about a minute each on two cores.
import type { ModelKind } from '../models/language-model.js';
import type { ModelSize } from '../models/model-size.js';

/** One contestant of the demo. */
export interface DemoModel {
  /** Name in the table, the chart and the run folder. */
  readonly name: string;
  /** Model family. */
  readonly kind: ModelKind;
  /** Its size (vocabulary and context come from the corpus and the window length). */
  readonly size: Omit<ModelSize, 'vocabSize' | 'contextLength'>;
  /** AdamW learning rate. */
  readonly lr: number;
}

/** A one-layer LSTM and a two-block causal Transformer of similar width. */
export const DEMO_MODELS: readonly DemoModel[] = [
  { name: 'LSTM', kind: 'lstm', size: { hiddenSize: 192, numLayers: 1, numHeads: 1 }, lr: 4e-3 },
  { name: 'Transformer', kind: 'transformer', size: { hiddenSize: 128, numLayers: 2, numHeads: 4 }, lr: 2e-3 },
];

/** Characters per training window (and the Transformer's context). */
export const DEMO_SEQ_LEN = 64;

/** Windows per batch. */
export const DEMO_BATCH_SIZE = 32;

/** Default training seconds per model: two models and the evaluations fit in about three minutes. */
export const DEMO_SECONDS_PER_MODEL = 70;

/** Validation characters of each point of the curves. */
export const DEMO_CURVE_TOKENS = 4096;

/** Validation characters of the final comparison. */
export const DEMO_FINAL_TOKENS = 32768;

/** Prompt both models continue. */
export const DEMO_PROMPT = 'ROMEO:';
