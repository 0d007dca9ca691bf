// A stepper over the steps of a sequence (0 = before the first word), with the keyboard map of the step-through view.
import { checkNonNegativeInt, InvalidArgumentError } from '@seqlab/tensor-core';

/** What a key press asks the stepper to do. */
export type StepAction = 'next' | 'back' | 'first' | 'last' | 'togglePlay';

/** Position of a stepper over `count` steps: `index` 0 shows the initial state, `count` the last step. */
export interface StepperState {
  /** Steps shown so far, 0…count. */
  readonly index: number;
  /** Number of steps. */
  readonly count: number;
  /** Whether play advances it on each tick. */
  readonly playing: boolean;
}

/**
 * A stepper at the start, paused.
 *
 * @example
 * ```ts
 * createStepper(3); // { index: 0, count: 3, playing: false }
 * ```
 */
export function createStepper(count: number): StepperState {
  return { index: 0, count: checkNonNegativeInt('createStepper', 'count', count), playing: false };
}

/**
 * The state after `action`. Next and back stop at the ends; play from the end restarts from the beginning.
 *
 * @example
 * ```ts
 * let s = createStepper(3);
 * s = stepperReduce(s, 'next'); // index 1
 * s = stepperReduce(s, 'last'); // index 3
 * ```
 */
export function stepperReduce(state: StepperState, action: StepAction): StepperState {
  switch (action) {
    case 'next':
      return { ...state, index: Math.min(state.count, state.index + 1) };
    case 'back':
      return { ...state, index: Math.max(0, state.index - 1), playing: false };
    case 'first':
      return { ...state, index: 0, playing: false };
    case 'last':
      return { ...state, index: state.count, playing: false };
    case 'togglePlay':
      if (state.playing) return { ...state, playing: false };
      return { ...state, playing: true, index: state.index >= state.count ? 0 : state.index };
    default:
      throw new InvalidArgumentError(`stepperReduce: argument 'action' must be next, back, first, last or togglePlay; received ${String(action)}`);
  }
}

/**
 * The stepper moved to `index`, clamped to 0…count (a step number read from the URL may be anything).
 *
 * @example
 * ```ts
 * stepperAt(createStepper(3), 7).index; // 3
 * ```
 */
export function stepperAt(state: StepperState, index: number): StepperState {
  return { ...state, index: Number.isFinite(index) ? Math.max(0, Math.min(state.count, Math.trunc(index))) : 0 };
}

/**
 * One tick of play: advance, and stop at the last step.
 *
 * @example
 * ```ts
 * stepperTick({ index: 2, count: 3, playing: true }); // { index: 3, count: 3, playing: false }
 * ```
 */
export function stepperTick(state: StepperState): StepperState {
  if (!state.playing) return state;
  const index = Math.min(state.count, state.index + 1);
  return { ...state, index, playing: index < state.count };
}

/**
 * The action of a keyboard key (`KeyboardEvent.key`), or null: arrows step, Home/End jump, space or `p` plays.
 *
 * @example
 * ```ts
 * keyAction('ArrowRight'); // 'next'
 * keyAction('x');          // null
 * ```
 */
export function keyAction(key: string): StepAction | null {
  const map: Record<string, StepAction> = {
    ArrowRight: 'next',
    ArrowDown: 'next',
    ArrowLeft: 'back',
    ArrowUp: 'back',
    Home: 'first',
    End: 'last',
    ' ': 'togglePlay',
    p: 'togglePlay',
  };
  return map[key] ?? null;
}
