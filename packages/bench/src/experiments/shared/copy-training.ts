// Training and evaluating a sequence model on the copy task (Arjovsky et al. 2016), shared by `copy` and `gradients`.
import { cosineWithWarmup, noGrad } from '@seqlab/autograd';
import { CopyTask } from '@seqlab/datasets';
import { SequenceModel, type ModelKind } from './sequence-model.js';
import { trainModel, type TrainReport } from './training.js';
import { sequenceCrossEntropy, windowAccuracy } from './losses.js';

/** Sizes and budget of a copy-task run. */
export interface CopyRunSettings {
  /** Delay T. */
  readonly delay: number;
  /** Symbols to copy. */
  readonly copyLength: number;
  /** Hidden width of the recurrent models (and of the Transformer unless `transformerWidth` is set). */
  readonly hiddenSize: number;
  /** The Transformer's model width. Default `hiddenSize`. */
  readonly transformerWidth?: number;
  /** Batch size. */
  readonly batch: number;
  /** The budget: optimizer steps at most. */
  readonly steps: number;
  /** Early stopping: stop once held-out accuracy on the copied symbols reaches this. Default never. */
  readonly stopAccuracy?: number;
  /** Learning rate (the peak, with a schedule). */
  readonly lr: number;
  /** When set, the learning rate follows half a cosine from `lr` down to `lr · lrMinFactor` over `lrDecaySteps`. Default constant. */
  readonly lrMinFactor?: number;
  /** The horizon of the cosine decay, the same for every delay so a short budget is not decayed faster. Default `steps`. */
  readonly lrDecaySteps?: number;
  /** Sequences in the held-out evaluation batch. */
  readonly evalBatch: number;
  /** Evaluate every this many steps. */
  readonly evalEvery: number;
  /** LSTM forget-gate bias at initialisation (see `SequenceModelOptions.forgetBias`). Default PyTorch's init. */
  readonly forgetBias?: number;
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

/** Builds a `kind` model and trains it on the copy task with delay `settings.delay` for at most `settings.steps` steps. */
export async function trainOnCopy(kind: ModelKind, settings: CopyRunSettings, seed: number, onStep: (step: number) => void = () => {}): Promise<CopyRun> {
  const task = new CopyTask({ delay: settings.delay, copyLength: settings.copyLength, seed });
  const heldOut = new CopyTask({ delay: settings.delay, copyLength: settings.copyLength, seed: seed + 7919 }).sample(settings.evalBatch);
  const model = new SequenceModel({
    kind,
    vocabSize: task.vocabSize,
    hiddenSize: kind === 'Transformer' ? (settings.transformerWidth ?? settings.hiddenSize) : settings.hiddenSize,
    outputSize: task.vocabSize,
    heads: 4,
    maxLength: task.sequenceLength,
    forgetBias: kind === 'LSTM' ? settings.forgetBias : undefined,
    seed,
  });
  const report = await trainModel(
    model,
    () => {
      const b = task.sample(settings.batch);
      return sequenceCrossEntropy(model.forward(b.inputs), b.targets);
    },
    {
      steps: settings.steps,
      lr: settings.lr,
      schedule:
        settings.lrMinFactor === undefined
          ? undefined
          : cosineWithWarmup({ warmupSteps: 0, totalSteps: settings.lrDecaySteps ?? settings.steps, minFactor: settings.lrMinFactor }),
      evalEvery: settings.evalEvery,
      stopWhen: settings.stopAccuracy === undefined ? undefined : (m) => m.accuracy >= (settings.stopAccuracy as number),
    },
    () => evaluateCopy(model, task, heldOut),
    onStep,
  );
  const final = report.checkpoints[report.checkpoints.length - 1].metrics;
  return { model, task, report, loss: final.loss, accuracy: final.accuracy };
}
