// The size options a user gives for a new model, and the defaults of each model kind.
import type { ModelKind } from './model-spec.js';

/** What `--hidden`, `--layers`, `--heads` and `--seq` choose for a new model. */
export interface ModelSize {
  /** Characters in the vocabulary. */
  readonly vocabSize: number;
  /** Hidden state width (recurrent) or model width d_model (Transformer); also the embedding width. */
  readonly hiddenSize: number;
  /** Stacked recurrent layers or Transformer blocks. */
  readonly numLayers: number;
  /** Attention heads (Transformer only). */
  readonly numHeads: number;
  /** Longest sequence the model reads at once (the Transformer's context length). */
  readonly contextLength: number;
}

/** Default `--layers` of each kind. */
export const DEFAULT_LAYERS: Readonly<Record<ModelKind, number>> = { rnn: 1, lstm: 1, gru: 1, transformer: 2 };

/** Default `--lr` of each kind (AdamW). */
export const DEFAULT_LR: Readonly<Record<ModelKind, number>> = { rnn: 2e-3, lstm: 3e-3, gru: 3e-3, transformer: 1e-3 };
