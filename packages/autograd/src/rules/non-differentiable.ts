// Rules of ops without a gradient: comparisons, logic, argmax/argmin and oneHot give no gradient to any input.
import type { CompareOpName, LogicalOpName, Tensor } from '@seqlab/tensor-core';
import type { GradRules } from './grad-rule.js';

// Their outputs are bool or int32, which never require gradients, so the engine never calls these;
// they exist to keep the rule table complete.
const none = (_g: Tensor, { inputs }: { inputs: readonly Tensor[] }): null[] => inputs.map(() => null);

/** Rules for comparisons, logical ops, `argmax`, `argmin` and `oneHot`. */
export const nonDifferentiableRules: GradRules<CompareOpName | LogicalOpName | 'logicalNot' | 'argmax' | 'argmin' | 'oneHot'> = {
  equal: none,
  notEqual: none,
  less: none,
  lessEqual: none,
  greater: none,
  greaterEqual: none,
  logicalAnd: none,
  logicalOr: none,
  logicalXor: none,
  logicalNot: none,
  argmax: none,
  argmin: none,
  oneHot: none,
};
