// Test helpers: this package's golden fixtures; closeness checks, seeded tensors and golden conversion come from tensor-core's shared test harness.
import { fixtureLoader } from '../../tensor-core/test/suite/goldens.js';

export { expectClose, seeded } from '../../tensor-core/test/suite/harness.js';
export { fromGolden, type GoldenCase, type GoldenTensor } from '../../tensor-core/test/suite/goldens.js';

/** Loads a JSON fixture copied from shared/goldens. */
export const loadFixture = fixtureLoader(new URL('./fixtures/', import.meta.url));
