// Entry point `@seqlab/test-utils/worked-example`: the PyTorch golden of the tutorial's worked example, alone (no suites).
/**
 * The tutorial's "cat sat here" worked example as PyTorch computed it (shared/goldens `worked_example.json`): inputs,
 * h_1…h_3 in the row-vector convention, and the `alternatives` that explain the tutorial's summary table.
 *
 * @example
 * ```ts
 * workedExampleGolden.outputs.h1.data; // [0.3185…, 0.5298…]
 * ```
 */
export { default as workedExampleGolden } from './fixtures/goldens/worked_example.json';
