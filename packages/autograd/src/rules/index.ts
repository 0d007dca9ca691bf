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

/**
 * Every op's gradient rule, keyed by op name.
 *
 * @example
 * ```ts
 * // The rule of mul: d(a·b)/da = grad·b and d(a·b)/db = grad·a.
 * const a = tensor([1, 2]);
 * const b = tensor([3, 4]);
 * const [da, db] = gradRules.mul(ones([2]), { inputs: [a, b], output: mul(a, b), attrs: {}, needsGrad: [true, true] });
 * console.assert(Array.from(da!.dataSync()).join() === '3,4' && Array.from(db!.dataSync()).join() === '1,2');
 * ```
 */
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
