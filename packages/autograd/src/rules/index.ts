// The complete rule table: one gradient rule per recorded op; a missing op fails to compile here.
import type { OpName } from '@seqlab/tensor-core';
import { binaryRules } from './binary.js';
import type { GradRules } from './grad-rule.js';
import { indexingRules } from './indexing.js';
import { matmulRules } from './matmul.js';
import { movementRules } from './movement.js';
import { nonDifferentiableRules } from './non-differentiable.js';
import { reduceRules } from './reduce.js';
import { softmaxRules } from './softmax.js';
import { unaryRules } from './unary.js';

/** Every op's gradient rule, keyed by op name. */
export const gradRules: GradRules<OpName> = {
  ...unaryRules,
  ...binaryRules,
  ...nonDifferentiableRules,
  ...reduceRules,
  ...softmaxRules,
  ...matmulRules,
  ...movementRules,
  ...indexingRules,
};
