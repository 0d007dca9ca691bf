// Entry point `@seqlab/test-utils/experiment-results`: checks of an experiment's files and loss curves. Kept apart from
// `./suites` because it loads @seqlab/bench, which the op and layer suites must not (bench picks its own backend).
export { checkResultFiles, expectFallingLoss } from './contracts/experiment-results.js';
