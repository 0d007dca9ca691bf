// Whether the tape records: a global switch flipped by noGrad/enableGrad for the duration of a callback.
import { autogradState } from './shared.js';

// One switch for every loaded copy of autograd: noGrad through one copy stops the recording of all.
const mode = autogradState.claim('gradMode', { enabled: true });

/**
 * True while ops on tensors that require gradients are being recorded for `backward()`.
 *
 * @example
 * ```ts
 * console.assert(isGradEnabled());
 * noGrad(() => console.assert(!isGradEnabled()));
 * ```
 */
export function isGradEnabled(): boolean {
  return mode.enabled;
}

function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const previous = mode.enabled;
  mode.enabled = enabled;
  try {
    return fn();
  } finally {
    mode.enabled = previous;
  }
}

/**
 * Runs `fn` without recording ops on the tape, as `torch.no_grad()`: results do not require gradients
 * and hold no graph, which saves memory in evaluation and in optimizer updates.
 * Only synchronous work inside `fn` is covered; the previous mode is restored when `fn` returns or throws.
 *
 * @example
 * ```ts
 * const logits = noGrad(() => model.forward(x)); // no graph kept
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/**
 * Runs `fn` with recording switched back on, e.g. inside a {@link noGrad} block, as `torch.enable_grad()`.
 *
 * @example
 * ```ts
 * const w = tensor([1, 2]).requiresGrad_();
 * const y = noGrad(() => enableGrad(() => mul(w, w))); // recorded despite the outer noGrad
 * console.assert(y.requiresGrad);
 * ```
 */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}
