// A small training loop shared by the experiments: AdamW, gradient clipping, optional schedule, a budget in optimizer
// steps (time is recorded, never the budget), held-out evaluations along the way and early stopping on success.
import { AdamW, clipGradNorm, LRScheduler, noGrad, type LRLambda, type Module } from '@seqlab/autograd';
import type { Tensor } from '@seqlab/tensor-core';
import { now } from '../framework/timing.js';

/** Settings of {@link trainModel}. */
export interface TrainSettings {
  /** The budget: optimizer steps at most. */
  steps: number;
  /** Learning rate. */
  lr: number;
  /** AdamW weight decay. Default 0. */
  weightDecay?: number;
  /** Clip the global gradient norm to this value. Default 1. */
  clipNorm?: number;
  /** Learning-rate multiplier per step. Default constant. */
  schedule?: LRLambda;
  /** Evaluate every this many steps (and after the last). Default: only after the last step. */
  evalEvery?: number;
  /** Early stopping: checked on each evaluation's metrics; training stops when it returns true. Default never. */
  stopWhen?: (metrics: Record<string, number>) => boolean;
}

/** One evaluation during training. */
export interface TrainCheckpoint {
  /** Optimizer steps done. */
  readonly step: number;
  /** Seconds of training so far (evaluation time excluded). */
  readonly seconds: number;
  /** Mean training loss since the previous checkpoint. */
  readonly trainLoss: number;
  /** What `evaluate` returned (e.g. validation loss, accuracy). */
  readonly metrics: Record<string, number>;
}

/** What {@link trainModel} reports. */
export interface TrainReport {
  /** Optimizer steps taken. */
  readonly steps: number;
  /** Seconds spent training (evaluation excluded). */
  readonly seconds: number;
  /** Training loss of every step. */
  readonly losses: number[];
  /** Evaluations along the way, the last one after the final step. */
  readonly checkpoints: TrainCheckpoint[];
  /** Whether `stopWhen` ended training before the step budget. */
  readonly stoppedEarly: boolean;
  /** Whether `stopWhen` held at the last evaluation (after an early stop, or on the final step of the budget). */
  readonly succeeded: boolean;
}

/**
 * Trains `model` with AdamW: each step calls `loss(step)` (which samples its own batch and returns a scalar),
 * back-propagates, clips and updates. `evaluate` runs without recording at each checkpoint; `onStep` reports progress.
 *
 * @example
 * ```ts
 * const model = new SequenceModel({ kind: 'GRU', vocabSize: 4, hiddenSize: 8, outputSize: 4, seed: 0 });
 * const x = tensor(Int32Array.from([0, 1, 2, 3, 0, 1, 2, 3]), [2, 4], { dtype: 'int32' });
 * const loss = () => crossEntropy(reshape(model.forward(x), [8, 4]), reshape(x, [8])); // learn to echo each token
 * const run = await trainModel(model, loss, { steps: 20, lr: 0.01 }, () => ({ loss: loss().item() }));
 * console.assert(run.steps === 20 && run.losses[19] < run.losses[0] && run.checkpoints.length === 1);
 * ```
 */
export async function trainModel(
  model: Module,
  loss: (step: number) => Tensor,
  settings: TrainSettings,
  evaluate: () => Record<string, number> = () => ({}),
  onStep: (step: number, lossValue: number) => void = () => {},
): Promise<TrainReport> {
  model.training = true;
  const params = model.parameters();
  const optimizer = new AdamW(params, { lr: settings.lr, weightDecay: settings.weightDecay ?? 0 });
  const scheduler = settings.schedule ? new LRScheduler(optimizer, settings.schedule) : null;
  const losses: number[] = [];
  const checkpoints: TrainCheckpoint[] = [];
  const evalEvery = settings.evalEvery ?? Number.POSITIVE_INFINITY;
  let trainedMs = 0;
  let sinceCheckpoint: number[] = [];
  const checkpoint = (step: number): Record<string, number> => {
    const wasTraining = model.training;
    model.training = false;
    const metrics = noGrad(evaluate);
    model.training = wasTraining;
    const mean = sinceCheckpoint.length > 0 ? sinceCheckpoint.reduce((a, b) => a + b, 0) / sinceCheckpoint.length : Number.NaN;
    checkpoints.push({ step, seconds: trainedMs / 1000, trainLoss: mean, metrics });
    sinceCheckpoint = [];
    return metrics;
  };
  let step = 0;
  let stoppedEarly = false;
  while (step < settings.steps) {
    const t0 = now();
    optimizer.zeroGrad();
    const l = loss(step);
    l.backward();
    clipGradNorm(params, settings.clipNorm ?? 1);
    optimizer.step();
    scheduler?.step();
    const value = l.item();
    trainedMs += now() - t0;
    losses.push(value);
    sinceCheckpoint.push(value);
    step++;
    onStep(step, value);
    if (step % evalEvery === 0 && step < settings.steps) {
      const metrics = checkpoint(step);
      if (settings.stopWhen?.(metrics) === true) {
        stoppedEarly = true;
        break;
      }
    }
    // Yield to the event loop so progress listeners (a CLI bar) can draw during long runs.
    if (step % 10 === 0) await new Promise((r) => setImmediate(r));
  }
  let succeeded = stoppedEarly;
  if (!stoppedEarly) {
    const metrics = checkpoint(step);
    succeeded = settings.stopWhen?.(metrics) === true;
  }
  model.training = false;
  return { steps: step, seconds: trainedMs / 1000, losses, checkpoints, stoppedEarly, succeeded };
}
