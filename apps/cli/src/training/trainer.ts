// The training loop: seeded random windows, cross-entropy, clipped AdamW steps, periodic validation and checkpoints.
import type { AdamW } from '@seqlab/autograd';
import { randomWindows, type TokenIdArray } from '@seqlab/datasets';
import { tensor, type Tensor } from '@seqlab/tensor-core';
import { DivergedError } from '../usage-error.js';
import type { RunProgress } from './run-progress.js';
import type { TrainSettings } from './train-settings.js';
import { validationLoss, type ValidationLoss } from './validation.js';
import { languageModelTrainStep, type AnyLanguageModel } from '@seqlab/recurrent';

/** A training run: the model, its optimizer, the encoded text and where the run stands. */
export interface TrainingRun {
  /** The model being trained. */
  readonly model: AnyLanguageModel;
  /** AdamW over the model's parameters. */
  readonly optimizer: AdamW;
  /** Encoded training text. */
  readonly trainIds: TokenIdArray;
  /** Encoded validation text. */
  readonly validationIds: TokenIdArray;
  /** The run's settings. */
  readonly settings: TrainSettings;
  /** Steps, time, sampler state and validation curve; advanced in place. */
  readonly progress: RunProgress;
  /**
   * Debugging aid behind `--debug-nan-at-step`: before this step, one weight is set to NaN, as a numerical bug
   * would, to show how the divergence guard stops a run and keeps the last checkpoint.
   */
  readonly debugNanAtStep?: number;
}

/** Reported after every optimizer step. */
export interface StepReport {
  /** Steps taken, this one included. */
  readonly step: number;
  /** This step's training loss (nats per character). */
  readonly loss: number;
  /** An exponential moving average of the loss, for display. */
  readonly smoothedLoss: number;
  /** Total gradient norm before clipping. */
  readonly gradNorm: number;
  /** Training tokens per second over this session. */
  readonly tokensPerSecond: number;
  /** Fraction of the budget done. */
  readonly fraction: number;
  /** Training seconds so far. */
  readonly elapsedSeconds: number;
}

/** Callbacks of {@link train}; the caller prints, saves and decides when to stop early. */
export interface TrainHooks {
  /** After each step. */
  onStep?(report: StepReport): void;
  /** After each validation (at the start of a fresh run, every `evalEvery` steps and at the end). */
  onValidation?(step: number, loss: ValidationLoss): void;
  /** When a checkpoint is due (every `checkpointEvery` steps, at the end, on a stop request); training waits for it. */
  onCheckpoint(): Promise<void>;
  /** Polled between steps: true stops the run after a final checkpoint (Ctrl-C). */
  stopRequested?(): boolean;
}

/** How a call to {@link train} ended. */
export type TrainOutcome = 'finished' | 'interrupted';

/** Fraction of the run's budget (steps or seconds) spent, in [0, 1]. */
export function budgetFraction(settings: TrainSettings, progress: RunProgress): number {
  const b = settings.budget;
  return Math.min(1, b.kind === 'steps' ? progress.step / b.steps : progress.elapsedSeconds / b.seconds);
}

/** Sets the first element of `weight` to NaN in place. */
function poisonOneWeight(weight: Tensor): void {
  const values = weight.dataSync();
  values[0] = Number.NaN;
  weight.assign(tensor(values, [...weight.shape], { dtype: weight.dtype, backend: weight.backendName }));
}

/**
 * Limits of the divergence guard, beyond "finite". A healthy character model's weights stay within a few units
 * (initialised near 1/√fan-in, pulled back by weight decay); at |w| = 1e6 float32's spacing is 0.0625, coarser than any
 * update a sane learning rate makes, so such a weight no longer trains and its products overflow soon after. Its loss
 * starts near ln(vocabulary size), the loss of uniform guessing, and only falls; ten times that means the model
 * assigns the observed characters probabilities below e^-10·ln V = V^-10, which no learning model does.
 */
export const DIVERGENCE_LIMITS = {
  /** Largest magnitude any parameter may have when a checkpoint is written. */
  maxAbsWeight: 1e6,
  /** The training loss may not exceed this multiple of ln(vocabulary size). */
  lossOverUniform: 10,
} as const;

/** The guard's loss limit for `model`: {@link DIVERGENCE_LIMITS}.lossOverUniform · ln(vocabulary size). */
export function lossLimit(model: AnyLanguageModel): number {
  const vocab = model.config.vocabSize;
  return DIVERGENCE_LIMITS.lossOverUniform * Math.log(vocab > 1 ? vocab : 2);
}

/** A number for a message: plain when short, else three significant digits. */
function formatLimit(x: number): string {
  return Math.abs(x) >= 1e4 ? x.toExponential(2) : String(Math.round(x * 100) / 100);
}

/** Throws {@link DivergedError} when a parameter is not finite or exceeds {@link DIVERGENCE_LIMITS}.maxAbsWeight. */
function checkParameters(model: AnyLanguageModel, step: number): void {
  for (const [name, p] of model.namedParameters()) {
    const values = p.dataSync();
    let largest = 0;
    for (let i = 0; i < values.length; i++) {
      const a = Math.abs(values[i]);
      if (a > largest) largest = a;
      else if (Number.isNaN(a)) {
        largest = a;
        break;
      }
    }
    if (!(largest <= DIVERGENCE_LIMITS.maxAbsWeight)) {
      throw new DivergedError(
        `training diverged at step ${step}: parameter '${name}' holds |w| = ${Number.isNaN(largest) ? 'NaN' : formatLimit(largest)}, ` +
          `above the limit ${formatLimit(DIVERGENCE_LIMITS.maxAbsWeight)}`,
      );
    }
  }
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Trains until the budget is spent or {@link TrainHooks.stopRequested}. Each step draws `batchSize` windows
 * from the run's sampler, so a run resumed from a checkpoint (weights, AdamW state, sampler state, step) takes
 * exactly the steps an uninterrupted run would. A loss or gradient norm that is not finite throws
 * {@link DivergedError} before the optimizer touches the weights; before every checkpoint, the last loss and every
 * parameter are checked against {@link DIVERGENCE_LIMITS} too, so the last checkpoint is always a state that passed the guard.
 * The loop yields to the event loop after every step, so signals and the progress display are served.
 */
export async function train(run: TrainingRun, hooks: TrainHooks): Promise<TrainOutcome> {
  const { model, optimizer, settings, progress } = run;
  const params = model.parameters();
  const maxLoss = lossLimit(model);
  // Every checkpoint passes the guard first, so the one on disk is always a state that passed these checks.
  let lastLoss = Number.NaN;
  const checkpoint = async (step: number): Promise<void> => {
    if (lastLoss > maxLoss) {
      throw new DivergedError(`training diverged at step ${step}: the loss is ${formatLimit(lastLoss)} nats, above the limit ${formatLimit(maxLoss)}`);
    }
    checkParameters(model, step);
    await hooks.onCheckpoint();
  };
  const tokensPerStep = settings.batchSize * settings.seqLen;
  const validate = (): void => {
    const loss = validationLoss(model, run.validationIds, { seqLen: settings.seqLen, batchSize: settings.batchSize, maxTokens: settings.evalTokens });
    progress.validation.push({ step: progress.step, seconds: progress.elapsedSeconds, nats: loss.nats, bitsPerChar: loss.bitsPerChar });
    hooks.onValidation?.(progress.step, loss);
  };
  if (progress.step === 0 && progress.validation.length === 0) validate();
  const validationDue = (step: number): boolean => {
    if (settings.evalEverySeconds === undefined) return step % settings.evalEvery === 0;
    const lastSeconds = progress.validation.at(-1)?.seconds ?? 0;
    return progress.elapsedSeconds - lastSeconds >= settings.evalEverySeconds;
  };

  model.train();
  let sessionSeconds = 0;
  let sessionTokens = 0;
  let smoothed = Number.NaN;
  while (budgetFraction(settings, progress) < 1) {
    if (hooks.stopRequested?.()) {
      await checkpoint(progress.step);
      return 'interrupted';
    }
    const next = progress.step + 1;
    if (run.debugNanAtStep === next) poisonOneWeight(params[0]);
    const started = performance.now();
    const batch = randomWindows(run.trainIds, { batchSize: settings.batchSize, seqLen: settings.seqLen, generator: progress.sampler });
    const { loss: lossValue, gradNorm, applied } = languageModelTrainStep(model, optimizer, batch, settings);
    if (!Number.isFinite(lossValue)) {
      throw new DivergedError(`training diverged at step ${next}: the loss is ${lossValue}`);
    }
    if (!applied) {
      throw new DivergedError(`training diverged at step ${next}: the gradient norm is ${gradNorm}`);
    }
    lastLoss = lossValue;
    const seconds = (performance.now() - started) / 1000;
    progress.step = next;
    progress.elapsedSeconds += seconds;
    progress.tokensSeen += tokensPerStep;
    sessionSeconds += seconds;
    sessionTokens += tokensPerStep;
    smoothed = Number.isNaN(smoothed) ? lossValue : 0.95 * smoothed + 0.05 * lossValue;
    const fraction = budgetFraction(settings, progress);
    hooks.onStep?.({
      step: next,
      loss: lossValue,
      smoothedLoss: smoothed,
      gradNorm,
      tokensPerSecond: sessionTokens / sessionSeconds,
      fraction,
      elapsedSeconds: progress.elapsedSeconds,
    });
    const last = fraction >= 1;
    if (last || validationDue(next)) validate();
    if (last || (settings.checkpointEvery > 0 && next % settings.checkpointEvery === 0)) await checkpoint(next);
    await yieldToEventLoop();
  }
  return 'finished';
}
