// The recorder tensor-core calls after each op on a tensor that requires gradients: it attaches a GradNode.
import { isFloatDType, setGradRecorder, type GradRecorder, type OpName } from '@seqlab/tensor-core';
import { gradRules } from '../rules/index.js';
import type { GradRule as Rule } from '../rules/grad-rule.js';
import { isGradEnabled } from './grad-mode.js';
import { GradNode } from './grad-node.js';

const recordOnTape: GradRecorder = (op, inputs, output, attrs) => {
  // Integer and bool results (comparisons, argmax, indices) never carry gradients, as in PyTorch.
  if (!isGradEnabled() || !isFloatDType(output.dtype)) return;
  const rule = gradRules[op] as Rule<OpName>;
  // The op table's rules are pure functions of their arguments, so backward may dispose what they make once consumed.
  output.gradNode = new GradNode(
    op,
    inputs,
    [output],
    (grads, ins, outs, needsGrad) => rule(grads[0] as NonNullable<(typeof grads)[0]>, { inputs: ins, output: outs[0], attrs, needsGrad }),
    false,
    true,
  );
  output.requiresGrad = true;
};

/** Installs the tape recorder in tensor-core (idempotent); done when `@seqlab/autograd` is imported. */
export function installTape(): void {
  setGradRecorder(recordOnTape);
}
