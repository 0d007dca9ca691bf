// Learning-rate schedules: a scheduler applying a multiplier of each group's base lr, and the usual schedules.
import { InvalidArgumentError } from '@seqlab/tensor-core';
import type { Hyperparameters, Optimizer } from './optimizer.js';

/** Multiplier of the base learning rate at scheduler step `step` (0 before the first `scheduler.step()`). */
export type LRLambda = (step: number) => number;

/** A serialisable snapshot of an {@link LRScheduler}. */
export interface LRSchedulerState {
  /** Number of `step()` calls so far. */
  readonly lastStep: number;
  /** Each group's learning rate when the scheduler was created. */
  readonly baseLrs: readonly number[];
}

/**
 * Sets each parameter group's `lr` to `baseLr · lambda(step)`, as `torch.optim.lr_scheduler.LambdaLR`. Call
 * `step()` once per optimizer step (after `optimizer.step()`); creating the scheduler applies `lambda(0)`.
 *
 * @example
 * ```ts
 * const scheduler = new LRScheduler(optimizer, cosineWithWarmup({ warmupSteps: 100, totalSteps: 1000 }));
 * for (let step = 0; step < 1000; step++) {
 *   // ...forward, backward...
 *   optimizer.step();
 *   scheduler.step();
 * }
 * ```
 */
export class LRScheduler {
  /** The optimizer whose groups are scheduled. */
  readonly optimizer: Optimizer<Hyperparameters>;
  private readonly lambdas: LRLambda[];
  private baseLrs: number[];
  private steps = 0;

  constructor(optimizer: Optimizer<Hyperparameters>, lambda: LRLambda | readonly LRLambda[]) {
    this.optimizer = optimizer as Optimizer<Hyperparameters>;
    const groups = this.optimizer.paramGroups;
    const lambdas = typeof lambda === 'function' ? groups.map(() => lambda) : [...lambda];
    if (lambdas.length !== groups.length || lambdas.some((f) => typeof f !== 'function')) {
      throw new InvalidArgumentError(
        `LRScheduler: argument 'lambda' must be a function or one function per parameter group (${groups.length}); received ${lambdas.length}`,
      );
    }
    this.lambdas = lambdas;
    this.baseLrs = groups.map((g) => g.lr as number);
    this.apply();
  }

  /** Number of `step()` calls so far. */
  get lastStep(): number {
    return this.steps;
  }

  /** Advances the schedule by one step and sets the new learning rates. */
  step(): void {
    this.steps++;
    this.apply();
  }

  /** The learning rate of each group now. */
  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr as number);
  }

  /** A snapshot for checkpoints. */
  stateDict(): LRSchedulerState {
    return { lastStep: this.steps, baseLrs: [...this.baseLrs] };
  }

  /** Restores a snapshot and re-applies the learning rates of its step. */
  loadStateDict(state: LRSchedulerState): void {
    if (!state || !Number.isInteger(state.lastStep) || state.lastStep < 0 || !Array.isArray(state.baseLrs) || state.baseLrs.length !== this.baseLrs.length) {
      throw new InvalidArgumentError(`LRScheduler.loadStateDict: expected { lastStep, baseLrs } with ${this.baseLrs.length} base learning rates`);
    }
    this.steps = state.lastStep;
    this.baseLrs = [...state.baseLrs];
    this.apply();
  }

  private apply(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      const factor = this.lambdas[i](this.steps);
      if (typeof factor !== 'number' || !Number.isFinite(factor) || factor < 0) {
        throw new InvalidArgumentError(`LRScheduler: the schedule returned ${String(factor)} at step ${this.steps}; a multiplier must be a finite number ≥ 0`);
      }
      (g as unknown as { lr: number }).lr = this.baseLrs[i] * factor;
    });
  }
}

function checkPositiveInt(op: string, name: string, v: unknown, allowZero = false): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < (allowZero ? 0 : 1)) {
    throw new InvalidArgumentError(`${op}: option '${name}' must be a ${allowZero ? 'non-negative' : 'positive'} integer; received ${String(v)}`);
  }
  return v;
}

/**
 * Step decay, as `StepLR`: the lr is multiplied by `gamma` every `stepSize` steps.
 *
 * @example
 * ```ts
 * const factor = stepDecay({ stepSize: 10, gamma: 0.5 });
 * console.assert(factor(9) === 1 && factor(10) === 0.5 && factor(25) === 0.25);
 * ```
 */
export function stepDecay(options: { stepSize: number; gamma?: number }): LRLambda {
  const stepSize = checkPositiveInt('stepDecay', 'stepSize', options.stepSize);
  const gamma = options.gamma ?? 0.1;
  return (s) => gamma ** Math.floor(s / stepSize);
}

/**
 * Exponential decay, as `ExponentialLR`: the lr is multiplied by `gamma` every step.
 *
 * @example
 * ```ts
 * const opt = new SGD([zeros([2]).requiresGrad_()], { lr: 0.1 });
 * const scheduler = new LRScheduler(opt, exponentialDecay({ gamma: 0.5 }));
 * scheduler.step();
 * console.assert(scheduler.getLastLr()[0] === 0.05);
 * ```
 */
export function exponentialDecay(options: { gamma: number }): LRLambda {
  const { gamma } = options;
  if (typeof gamma !== 'number' || !(gamma > 0))
    throw new InvalidArgumentError(`exponentialDecay: option 'gamma' must be a positive number; received ${String(gamma)}`);
  return (s) => gamma ** s;
}

/**
 * Linear warm-up from 0 over `warmupSteps`, then half a cosine from 1 down to `minFactor` (default 0) at
 * `totalSteps`, constant after (the transformers `get_cosine_schedule_with_warmup` shape).
 *
 * @example
 * ```ts
 * const factor = cosineWithWarmup({ warmupSteps: 10, totalSteps: 110 });
 * console.assert(factor(5) === 0.5 && factor(10) === 1 && Math.abs(factor(60) - 0.5) < 1e-12 && factor(110) === 0);
 * ```
 */
export function cosineWithWarmup(options: { warmupSteps: number; totalSteps: number; minFactor?: number }): LRLambda {
  const warmup = checkPositiveInt('cosineWithWarmup', 'warmupSteps', options.warmupSteps, true);
  const total = checkPositiveInt('cosineWithWarmup', 'totalSteps', options.totalSteps);
  const minFactor = options.minFactor ?? 0;
  if (warmup > total) throw new InvalidArgumentError(`cosineWithWarmup: 'warmupSteps' (${warmup}) must not exceed 'totalSteps' (${total})`);
  return (s) => {
    if (s < warmup) return s / warmup;
    const progress = Math.min(1, (s - warmup) / Math.max(1, total - warmup));
    return minFactor + (1 - minFactor) * 0.5 * (1 + Math.cos(Math.PI * progress));
  };
}

/**
 * Optional linear warm-up over `warmupSteps`, then linear decay from 1 to `endFactor` (default 0) at `totalSteps`,
 * constant after (the transformers `get_linear_schedule_with_warmup` shape).
 *
 * @example
 * ```ts
 * const factor = linearDecay({ warmupSteps: 10, totalSteps: 110 });
 * console.assert(factor(5) === 0.5 && factor(10) === 1 && factor(60) === 0.5 && factor(200) === 0);
 * ```
 */
export function linearDecay(options: { totalSteps: number; warmupSteps?: number; endFactor?: number }): LRLambda {
  const warmup = checkPositiveInt('linearDecay', 'warmupSteps', options.warmupSteps ?? 0, true);
  const total = checkPositiveInt('linearDecay', 'totalSteps', options.totalSteps);
  const end = options.endFactor ?? 0;
  if (warmup > total) throw new InvalidArgumentError(`linearDecay: 'warmupSteps' (${warmup}) must not exceed 'totalSteps' (${total})`);
  return (s) => {
    if (s < warmup) return s / warmup;
    const progress = Math.min(1, (s - warmup) / Math.max(1, total - warmup));
    return 1 - (1 - end) * progress;
  };
}
