// The tutorial's "cat sat here" inputs (embeddings, W_xh, W_hh, b_h, h_0), in the layout of the PyTorch golden file.
import { inputsFromFixture, type WorkedExampleInputs } from './step-through.js';

/**
 * The tutorial's inputs as it states them, in the layout of shared/goldens `worked_example.json` (whose PyTorch outputs
 * the tests compare the page with; a test also checks these inputs equal the golden file's).
 *
 * @example
 * ```ts
 * TUTORIAL_INPUTS.embeddings.cat; // [0.5, 0.2]
 * ```
 */
export const TUTORIAL_INPUTS = {
  inputs: {
    embeddings: { cat: [0.5, 0.2], sat: [0.1, 0.9], here: [0.8, 0.3] },
    sequence: ['cat', 'sat', 'here'],
    W_xh: { shape: [2, 2], data: [0.3, 0.7, 0.4, 0.2] },
    W_hh: { shape: [2, 2], data: [0.1, 0.5, 0.6, 0.3] },
    b_h: { shape: [2], data: [0.1, 0.2] },
    h0: { shape: [2], data: [0, 0] },
  },
};

/**
 * A fresh copy of the tutorial's inputs (embeddings, W_xh, W_hh, b_h, h_0), safe to edit.
 *
 * @example
 * ```ts
 * const inputs = workedExampleInputs();
 * inputs.W_hh[0][0] = 0.2; // the shipped inputs are untouched
 * ```
 */
export function workedExampleInputs(): WorkedExampleInputs {
  return inputsFromFixture(TUTORIAL_INPUTS);
}
