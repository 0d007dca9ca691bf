// Test helpers: the worked-example fixture (copied from shared/goldens) and closeness checks; golden types, conversion and closeness come from @seqlab/test-utils.
import { fixtureLoader } from '@seqlab/test-utils/suites';

export { fromGolden, fromGoldens, type GoldenCase, type GoldenTensor } from '@seqlab/test-utils/suites';
export { expectCloseToGolden as expectClose, goldenTolerance as tolerance } from '@seqlab/test-utils/parity-suites';

/** Loads a JSON fixture copied from shared/goldens. */
export const loadFixture = fixtureLoader(new URL('./fixtures/', import.meta.url));
