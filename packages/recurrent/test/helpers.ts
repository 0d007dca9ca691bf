// Test helpers: golden types, conversion and closeness checks, all from @seqlab/test-utils (which holds the fixtures).
export { fromGolden, fromGoldens, type GoldenCase, type GoldenTensor } from '@seqlab/test-utils/suites';
export { expectCloseToGolden as expectClose, goldenTolerance as tolerance } from '@seqlab/test-utils/parity-suites';
