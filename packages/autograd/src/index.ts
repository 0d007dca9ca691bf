// Public entry point of @seqlab/autograd: importing it installs the tape recorder and the Tensor autograd methods.
import { installTape } from './engine/tape.js';
import { installTensorMethods } from './engine/tensor-methods.js';

installTape();
installTensorMethods();

export { backward } from './engine/backward.js';
export type { BackwardOptions } from './engine/backward.js';
export { enableGrad, isGradEnabled, noGrad } from './engine/grad-mode.js';
export { detach, setRequiresGrad } from './engine/tensor-methods.js';
export { customOp } from './engine/custom-op.js';
export type { CustomOpContext, CustomOpDefinition, CustomOpForwardResult } from './engine/custom-op.js';
export { gradcheck, GradcheckError } from './engine/gradcheck.js';
export type { GradcheckOptions } from './engine/gradcheck.js';
export { gradRules } from './rules/index.js';
export type { GradContext, GradRule, GradRules } from './rules/grad-rule.js';
export { sumToShape } from './rules/sum-to-shape.js';
