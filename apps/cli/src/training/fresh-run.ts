// Setting up a new training run: vocabulary from the corpus, then the seeded model, AdamW and batch sampler of the
// shared definition in @seqlab/recurrent (the playground starts its runs with the same call).
import type { CharTokenizer, EncodedCorpus } from '@seqlab/datasets';
import { languageModelSpec, startLanguageModelTraining, type LanguageModelKind, type LanguageModelSize } from '@seqlab/recurrent';
import { RunProgress } from './run-progress.js';
import type { TrainSettings } from './train-settings.js';
import type { TrainingRun } from './trainer.js';

/** A run ready to train, with the vocabulary its checkpoints store. */
export interface PreparedRun extends TrainingRun {
  /** The character vocabulary of the corpus. */
  readonly tokenizer: CharTokenizer;
}

/**
 * A fresh run of a `kind` model on `corpus`, whose vocabulary (every character of the text, so validation text
 * encodes) the run keeps; weights are drawn from `settings.seed`, and batches from a separate stream of the same seed.
 */
export function freshRun(
  kind: LanguageModelKind,
  size: Omit<LanguageModelSize, 'vocabSize' | 'contextLength'>,
  corpus: EncodedCorpus,
  settings: TrainSettings,
): PreparedRun {
  const tokenizer = corpus.tokenizer;
  const spec = languageModelSpec(kind, { ...size, vocabSize: tokenizer.vocabSize, contextLength: settings.seqLen });
  const { model, optimizer, sampler } = startLanguageModelTraining(spec, settings);
  return { model, optimizer, tokenizer, settings, progress: RunProgress.fresh(sampler), trainIds: corpus.train, validationIds: corpus.validation };
}
