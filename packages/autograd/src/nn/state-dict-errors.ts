// Typed errors of Module.loadStateDict: the keys that did not match, and the tensors whose shapes differ.
import { formatShape, InvalidArgumentError, ShapeMismatchError, type Shape } from '@seqlab/tensor-core';

const list = (keys: readonly string[]): string => (keys.length > 12 ? `${keys.slice(0, 12).join(', ')}, … (${keys.length} in all)` : keys.join(', '));

/**
 * `loadStateDict` in strict mode found keys missing from the state dict or keys the module does not have.
 *
 * @example
 * ```ts
 * const layer = new Linear(2, 2);
 * try {
 *   layer.loadStateDict({ weight: zeros([2, 2]) }); // no 'bias'
 * } catch (e) {
 *   console.assert(e instanceof StateDictKeyError && e.code === 'INVALID_ARGUMENT' && e.missingKeys[0] === 'bias');
 * }
 * ```
 */
export class StateDictKeyError extends InvalidArgumentError {
  /** Parameter and buffer names of the module absent from the state dict. */
  readonly missingKeys: readonly string[];
  /** State dict keys that name nothing in the module. */
  readonly unexpectedKeys: readonly string[];
  constructor(module: string, missingKeys: readonly string[], unexpectedKeys: readonly string[]) {
    const parts: string[] = [];
    if (missingKeys.length > 0) parts.push(`missing keys: ${list(missingKeys)}`);
    if (unexpectedKeys.length > 0) parts.push(`unexpected keys: ${list(unexpectedKeys)}`);
    super(`loadStateDict(${module}): the state dict does not match the module (${parts.join('; ')}); pass { strict: false } to load the keys that match`);
    this.missingKeys = missingKeys;
    this.unexpectedKeys = unexpectedKeys;
  }
}

/** One tensor of a state dict whose shape differs from the module's. */
export interface StateDictShapeMismatch {
  /** The state dict key. */
  readonly key: string;
  /** The module's shape. */
  readonly expected: Shape;
  /** The state dict's shape. */
  readonly received: Shape;
}

/**
 * `loadStateDict` found tensors whose shapes differ from the module's (an error even when not strict, as in PyTorch).
 *
 * @example
 * ```ts
 * const layer = new Linear(2, 2);
 * try {
 *   layer.loadStateDict({ weight: zeros([3, 2]), bias: zeros([2]) });
 * } catch (e) {
 *   console.assert(e instanceof StateDictShapeError && e.code === 'SHAPE_MISMATCH' && e.mismatches[0].key === 'weight');
 * }
 * ```
 */
export class StateDictShapeError extends ShapeMismatchError {
  /** Every mismatching tensor. */
  readonly mismatches: readonly StateDictShapeMismatch[];
  constructor(module: string, mismatches: readonly StateDictShapeMismatch[]) {
    super(
      `loadStateDict(${module}): shape mismatch for ${mismatches
        .map((m) => `'${m.key}' (module ${formatShape(m.expected)}, state dict ${formatShape(m.received)})`)
        .join(', ')}`,
    );
    this.mismatches = mismatches;
  }
}
