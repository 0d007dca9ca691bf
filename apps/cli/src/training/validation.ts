// Validation loss over fixed, non-overlapping windows of held-out text, in nats and bits per character.
import { noGrad } from '@seqlab/autograd';
import type { TokenIdArray } from '@seqlab/datasets';
import { tensor } from '@seqlab/tensor-core';
import type { LanguageModel } from '../models/language-model.js';
import { UsageError } from '../usage-error.js';

/** A measured validation loss. */
export interface ValidationLoss {
  /** Mean cross-entropy in nats per predicted character. */
  readonly nats: number;
  /** The same in bits per character (nats / ln 2). */
  readonly bitsPerChar: number;
  /** Characters predicted. */
  readonly tokens: number;
}

/** Where and how much {@link validationLoss} evaluates. */
export interface ValidationOptions {
  /** Window length (at most the model's context). */
  readonly seqLen: number;
  /** Windows per forward pass. */
  readonly batchSize: number;
  /** Stop after about this many predicted characters (whole windows); all of the text when absent. */
  readonly maxTokens?: number;
}

/**
 * Mean next-character loss of `model` on `ids`, cut into consecutive windows of `seqLen` inputs from the start,
 * each read from a fresh state. The windows depend only on the text, so every evaluation of a run measures the
 * same characters and draws no random numbers (a resumed run stays identical).
 */
export function validationLoss(model: LanguageModel, ids: TokenIdArray, options: ValidationOptions): ValidationLoss {
  const { seqLen, batchSize } = options;
  let windows = Math.floor((ids.length - 1) / seqLen);
  if (windows === 0) {
    throw new UsageError(`the validation text has ${ids.length} characters; evaluating needs more than the window length ${seqLen}`);
  }
  if (options.maxTokens !== undefined) windows = Math.min(windows, Math.max(1, Math.floor(options.maxTokens / seqLen)));
  const wasTraining = model.module.training;
  model.module.eval();
  let total = 0;
  try {
    noGrad(() => {
      for (let first = 0; first < windows; first += batchSize) {
        const rows = Math.min(batchSize, windows - first);
        const inputs = new Int32Array(rows * seqLen);
        const targets = new Int32Array(rows * seqLen);
        for (let r = 0; r < rows; r++) {
          const start = (first + r) * seqLen;
          inputs.set(ids.subarray(start, start + seqLen), r * seqLen);
          targets.set(ids.subarray(start + 1, start + seqLen + 1), r * seqLen);
        }
        const shape = [rows, seqLen];
        // The mean over this batch, weighted by its size, so batches of different sizes average correctly.
        total += model.loss(tensor(inputs, shape, { dtype: 'int32' }), tensor(targets, shape, { dtype: 'int32' })).item() * rows * seqLen;
      }
    });
  } finally {
    model.module.train(wasTraining);
  }
  const tokens = windows * seqLen;
  const nats = total / tokens;
  return { nats, bitsPerChar: nats / Math.LN2, tokens };
}
