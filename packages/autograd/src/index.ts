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
export { Module } from './nn/module.js';
export type { LoadStateDictResult } from './nn/module.js';
export { buffer, isBuffer, isParameter, parameter } from './nn/parameter.js';
export type { Buffer, Parameter } from './nn/parameter.js';
export { StateDictKeyError, StateDictShapeError } from './nn/state-dict-errors.js';
export type { StateDictShapeMismatch } from './nn/state-dict-errors.js';
export { Linear } from './nn/linear.js';
export type { LinearOptions } from './nn/linear.js';
export { Embedding } from './nn/embedding.js';
export type { EmbeddingOptions } from './nn/embedding.js';
export { Dropout } from './nn/dropout.js';
export { LayerNorm } from './nn/layer-norm.js';
export type { LayerNormOptions } from './nn/layer-norm.js';
export { Sequential } from './nn/sequential.js';
export type { TensorModule } from './nn/sequential.js';
export { GELU, ReLU, Sigmoid, Tanh } from './nn/activations.js';
export * as init from './init/initializers.js';
