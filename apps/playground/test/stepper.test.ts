// The step-through's stepper: bounds, play, and the keyboard map.
import { describe, expect, it } from 'vitest';
import { createStepper, keyAction, stepperAt, stepperReduce, stepperTick } from '../src/lib/stepper.js';

describe('stepper', () => {
  it('steps within 0…count and jumps to the ends', () => {
    let s = createStepper(3);
    s = stepperReduce(stepperReduce(s, 'back'), 'next');
    expect(s.index).toBe(1);
    s = stepperReduce(s, 'last');
    expect(stepperReduce(s, 'next').index).toBe(3);
    expect(stepperReduce(s, 'first').index).toBe(0);
    expect(() => stepperReduce(s, 'jump' as never)).toThrow(/'action'/);
    expect(() => createStepper(-1)).toThrow(/'count'/);
  });

  it('plays to the end and stops; play at the end restarts', () => {
    let s = stepperReduce(createStepper(2), 'togglePlay');
    expect(stepperTick(createStepper(2))).toEqual(createStepper(2)); // paused: no change
    s = stepperTick(s);
    expect(s).toEqual({ index: 1, count: 2, playing: true });
    s = stepperTick(s);
    expect(s).toEqual({ index: 2, count: 2, playing: false });
    expect(stepperReduce(s, 'togglePlay')).toEqual({ index: 0, count: 2, playing: true });
    expect(stepperReduce({ index: 1, count: 2, playing: true }, 'back').playing).toBe(false);
  });

  it('moves to a step from the URL, clamped', () => {
    expect([
      stepperAt(createStepper(3), 2).index,
      stepperAt(createStepper(3), 9).index,
      stepperAt(createStepper(3), -1).index,
      stepperAt(createStepper(3), Number.NaN).index,
    ]).toEqual([2, 3, 0, 0]);
  });

  it('maps arrow keys, Home/End and space to actions', () => {
    expect(['ArrowRight', 'ArrowLeft', 'Home', 'End', ' ', 'Enter'].map(keyAction)).toEqual(['next', 'back', 'first', 'last', 'togglePlay', null]);
  });
});
