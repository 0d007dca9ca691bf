// Validation loss over fixed, non-overlapping windows of held-out text, in nats and bits per character.
import type { LanguageModel } from '@seqlab/attention';
import type { TokenIdArray } from '@seqlab/datasets';
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
 * each read from a fresh state (the `evaluate` protocol every seqlab language model shares). The windows depend
 * only on the text, so every evaluation of a run measures the same characters and draws no random numbers (a
 * resumed run stays identical).
 */
export function validationLoss(model: LanguageModel, ids: TokenIdArray, options: ValidationOptions): ValidationLoss {
  if (ids.length - 1 < options.seqLen) {
    throw new UsageError(`the validation text has ${ids.length} characters; evaluating needs more than the window length ${options.seqLen}`);
  }
  const { nats, bitsPerToken, tokens } = model.evaluate(ids, options);
  return { nats, bitsPerChar: bitsPerToken, tokens };
}
