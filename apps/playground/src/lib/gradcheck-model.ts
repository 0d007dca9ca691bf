// The step-through's gradcheck button: @seqlab/autograd's gradcheck on the current small model, unrolled over the sentence.
import { gradcheckParameters, gradcheckReport, type GradcheckReport } from '@seqlab/autograd';
import { LSTMCell } from '@seqlab/recurrent';
import { concat, narrow, tensor, type Tensor } from '@seqlab/tensor-core';
import { gatedCellFor, rnnCellFor, type Convention, type GatedKind, type GatedWeights, type WorkedExampleInputs } from './step-through.js';

/** The step-through's current model: the tutorial RNN in one convention, or a gated cell with its weights. */
export type StepModel = { kind: 'rnn'; convention: Convention } | { kind: GatedKind; weights: GatedWeights };

/** What the button shows: the report, and what was differentiated. */
export interface ModelGradcheck extends GradcheckReport {
  /** The inputs whose gradients were checked, in words. */
  readonly checked: string;
}

const F64 = { dtype: 'float64', backend: 'cpu' } as const;

/**
 * Runs @seqlab/autograd's gradient checks on the model as the step-through shows it: the library cell unrolled over
 * the sentence, every hidden (and cell) state as output, differentiated with respect to the cell's four weights
 * (`gradcheckParameters`) and to the word embeddings x_1…x_T and the initial state (`gradcheckReport`); the two
 * reports are merged (largest errors, total entries).
 *
 * @example
 * ```ts
 * const result = gradcheckStepModel({ kind: 'rnn', convention: 'row' }, workedExampleInputs());
 * result.passed; // true; result.maxRelativeError is about 1e-9
 * ```
 */
export function gradcheckStepModel(model: StepModel, inputs: WorkedExampleInputs): ModelGradcheck {
  const cell = model.kind === 'rnn' ? rnnCellFor(inputs, model.convention) : gatedCellFor(model.kind, model.weights);
  const x = tensor(
    inputs.sequence.map((w) => inputs.embeddings[w]),
    undefined,
    F64,
  ).requiresGrad_();
  const h0 = tensor([model.kind === 'rnn' ? inputs.h0 : new Array<number>(cell.hiddenSize).fill(0)], undefined, F64).requiresGrad_();
  const c0 = tensor([new Array<number>(cell.hiddenSize).fill(0)], undefined, F64).requiresGrad_();
  const steps = inputs.sequence.length;
  const unroll = (xs: Tensor, h: Tensor, c: Tensor): Tensor[] => {
    const outputs: Tensor[] = [];
    for (let t = 0; t < steps; t++) {
      const xt = narrow(xs, 0, t, 1);
      if (cell instanceof LSTMCell) {
        [h, c] = cell.forward(xt, [h, c]);
        outputs.push(h, c);
      } else {
        h = cell.forward(xt, h);
        outputs.push(h);
      }
    }
    return [concat(outputs, 0)];
  };
  const lstm = cell instanceof LSTMCell;
  const inputsReport = lstm ? gradcheckReport(unroll, [x, h0, c0]) : gradcheckReport((xs, h) => unroll(xs, h, c0), [x, h0]);
  const weightsReport = gradcheckParameters(() => unroll(x.detach(), h0.detach(), c0.detach()), cell.parameters());
  return { ...mergeReports(weightsReport, inputsReport), checked: `weight_ih, weight_hh, bias_ih, bias_hh, x_1…x_${steps} and ${lstm ? 'h_0, c_0' : 'h_0'}` };
}

/**
 * Two gradient-check reports as one: passed when both passed, the larger errors, the entries added, the first failure.
 *
 * @example
 * ```ts
 * mergeReports(weightsReport, inputsReport).entries; // weightsReport.entries + inputsReport.entries
 * ```
 */
export function mergeReports(a: GradcheckReport, b: GradcheckReport): GradcheckReport {
  // Math.max propagates NaN, which is what a NaN gradient should do here.
  return {
    passed: a.passed && b.passed,
    maxAbsoluteError: Math.max(a.maxAbsoluteError, b.maxAbsoluteError),
    maxRelativeError: Math.max(a.maxRelativeError, b.maxRelativeError),
    entries: a.entries + b.entries,
    failure: a.failure ?? b.failure,
  };
}
