// Training and evaluating a sequence model on the copy task (Arjovsky et al. 2016), shared by `copy` and `gradients`.
import { noGrad } from '@seqlab/autograd';
import { CopyTask } from '@seqlab/datasets';
import { SequenceModel, type ModelKind } from '../models/sequence-model.js';
import { trainModel, type TrainReport } from '../models/training.js';
import { sequenceCrossEntropy, windowAccuracy } from './losses.js';

/** Sizes and budget of a copy-task run. */
export interface CopyRunSettings {
  /** Delay T. */
  readonly delay: number;
  /** Symbols to copy. */
  readonly copyLength: number;
  /** Hidden width. */
  readonly hiddenSize: number;
  /** Batch size. */
  readonly batch: number;
  /** Training steps at most. */
  readonly steps: number;
  /** Wall-clock budget per model in seconds. */
  readonly timeBudgetSeconds: number;
  /** Learning rate. */
  readonly lr: number;
  /** Sequences in the held-out evaluation batch. */
  readonly evalBatch: number;
  /** Evaluate every this many steps. */
  readonly evalEvery: number;
}

/** Result of {@link trainOnCopy}. */
export interface CopyRun {
  /** The trained model. */
  readonly model: SequenceModel;
  /** The task (for its baseline and layout). */
  readonly task: CopyTask;
  /** Training report with accuracy/loss checkpoints. */
  readonly report: TrainReport;
  /** Final held-out cross-entropy per step (nats). */
  readonly loss: number;
  /** Final held-out accuracy on the copied symbols. */
  readonly accuracy: number;
}

/** Held-out loss over all steps and accuracy over the output window of a copy-task batch. */
export function evaluateCopy(model: SequenceModel, task: CopyTask, batch: ReturnType<CopyTask['sample']>): { loss: number; accuracy: number } {
  return noGrad(() => {
    const logits = model.forward(batch.inputs);
    return {
      loss: sequenceCrossEntropy(logits, batch.targets).item(),
      accuracy: windowAccuracy(logits, batch.targets, task.sequenceLength - task.copyLength, task.copyLength),
    };
  });
}

/** Builds a `kind` model and trains it on the copy task with delay `settings.delay` under the step and time budget. */
export async function trainOnCopy(kind: ModelKind, settings: CopyRunSettings, seed: number, onStep: (step: number) => void = () => {}): Promise<CopyRun> {
  const task = new CopyTask({ delay: settings.delay, copyLength: settings.copyLength, seed });
  const heldOut = new CopyTask({ delay: settings.delay, copyLength: settings.copyLength, seed: seed + 7919 }).sample(settings.evalBatch);
  const model = new SequenceModel({
    kind,
    vocabSize: task.vocabSize,
    hiddenSize: settings.hiddenSize,
    outputSize: task.vocabSize,
    heads: 4,
    maxLength: task.sequenceLength,
    seed,
  });
  const report = await trainModel(
    model,
    () => {
      const b = task.sample(settings.batch);
      return sequenceCrossEntropy(model.forward(b.inputs), b.targets);
    },
    { steps: settings.steps, timeBudgetSeconds: settings.timeBudgetSeconds, lr: settings.lr, evalEvery: settings.evalEvery },
    () => evaluateCopy(model, task, heldOut),
    onStep,
  );
  const final = report.checkpoints[report.checkpoints.length - 1].metrics;
  return { model, task, report, loss: final.loss, accuracy: final.accuracy };
}
