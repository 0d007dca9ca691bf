// The tutorial's "cat sat here" example, read from the fixture that @seqlab/recurrent's worked-example test checks.
import fixture from '../../../../packages/recurrent/test/fixtures/worked_example.json';
import { inputsFromFixture, type WorkedExampleInputs } from './step-through.js';

/**
 * The fixture itself (inputs, the golden h_1…h_3, and the `alternatives` that explain the tutorial's summary table).
 *
 * @example
 * ```ts
 * WORKED_EXAMPLE.outputs.h_rounded_6dp.h1; // [0.318521, 0.529896]
 * ```
 */
export const WORKED_EXAMPLE = fixture;

/**
 * A fresh copy of the tutorial's inputs (embeddings, W_xh, W_hh, b_h, h_0), safe to edit.
 *
 * @example
 * ```ts
 * const inputs = workedExampleInputs();
 * inputs.W_hh[0][0] = 0.2; // the fixture is untouched
 * ```
 */
export function workedExampleInputs(): WorkedExampleInputs {
  return inputsFromFixture(fixture);
}
