// Setting up a new training run: vocabulary from the corpus, a seeded model, AdamW, and the encoded splits.
import { AdamW } from '@seqlab/autograd';
import type { CharTokenizer, EncodedCorpus } from '@seqlab/datasets';
import { Generator, manualSeed } from '@seqlab/tensor-core';
import type { CharModel, ModelKind } from '../models/model-spec.js';
import { buildModel, modelSpecFor } from '../models/model-factory.js';
import type { ModelSize } from '../models/model-size.js';
import { RunProgress } from './run-progress.js';
import type { TrainSettings } from './train-settings.js';
import type { TrainingRun } from './trainer.js';

/** A run ready to train, with the vocabulary its checkpoints store. */
export interface PreparedRun extends TrainingRun {
  /** The character vocabulary of the corpus. */
  readonly tokenizer: CharTokenizer;
}

/** AdamW over `model`'s parameters with the run's learning rate and weight decay. */
export function createOptimizer(model: CharModel, settings: TrainSettings): AdamW {
  return new AdamW(model.parameters(), { lr: settings.lr, weightDecay: settings.weightDecay });
}

/**
 * A fresh run of a `kind` model on `corpus`, whose vocabulary (every character of the text, so validation text
 * encodes) the run keeps; weights are drawn from `settings.seed`, and batches from a separate stream of the same seed.
 */
export function freshRun(kind: ModelKind, size: Omit<ModelSize, 'vocabSize' | 'contextLength'>, corpus: EncodedCorpus, settings: TrainSettings): PreparedRun {
  // Anything that falls back to the process-wide generator is seeded too.
  manualSeed(settings.seed);
  const tokenizer = corpus.tokenizer;
  const spec = modelSpecFor(kind, { ...size, vocabSize: tokenizer.vocabSize, contextLength: settings.seqLen });
  const model = buildModel(spec, new Generator(settings.seed));
  const optimizer = createOptimizer(model, settings);
  return { model, optimizer, tokenizer, settings, progress: RunProgress.fresh(settings.seed), trainIds: corpus.train, validationIds: corpus.validation };
}
