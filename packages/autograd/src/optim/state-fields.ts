// Which per-parameter state fields each built-in optimizer keeps, so a checkpoint missing one is caught on load.
import type { Hyperparameters } from './optimizer.js';

/** The per-parameter state an optimizer keeps once a parameter has been updated. */
export interface OptimizerStateFields {
  /** Number fields (step counts). */
  readonly numbers: readonly string[];
  /** Tensor fields of the parameter's shape (moment buffers). */
  readonly tensors: readonly string[];
}

const adam = (g: Hyperparameters): OptimizerStateFields => ({
  numbers: ['step'],
  tensors: g.amsgrad === true ? ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'] : ['exp_avg', 'exp_avg_sq'],
});

const FIELDS: Readonly<Record<string, (g: Hyperparameters) => OptimizerStateFields>> = {
  Adam: adam,
  AdamW: adam,
  SGD: (g) => ({ numbers: [], tensors: g.momentum !== 0 ? ['momentum_buffer'] : [] }),
  RMSprop: (g) => ({
    numbers: ['step'],
    tensors: ['square_avg', ...(g.centered === true ? ['grad_avg'] : []), ...(typeof g.momentum === 'number' && g.momentum > 0 ? ['momentum_buffer'] : [])],
  }),
  Adagrad: () => ({ numbers: ['step'], tensors: ['sum'] }),
};

/**
 * The state fields that optimizer `type` (a built-in: Adam, AdamW, SGD, RMSprop, Adagrad) keeps for each updated
 * parameter of a group with hyper-parameters `group`, or undefined for an optimizer seqlab does not know. A
 * checkpoint whose state lacks one would otherwise resume with that buffer silently restarted at zero.
 *
 * @example
 * ```ts
 * optimizerStateFields('AdamW', { amsgrad: false }); // { numbers: ['step'], tensors: ['exp_avg', 'exp_avg_sq'] }
 * ```
 */
export function optimizerStateFields(type: string, group: Hyperparameters): OptimizerStateFields | undefined {
  return Object.hasOwn(FIELDS, type) ? FIELDS[type](group) : undefined;
}
