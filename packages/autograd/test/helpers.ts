// Test helpers: seeded float64 leaves for gradient checks and this package's golden fixtures; closeness checks and golden conversion come from tensor-core's shared test harness.
import type { Generator, Shape, Tensor } from '@seqlab/tensor-core';
import { fixtureLoader } from '../../tensor-core/test/suite/goldens.js';
import { seeded } from '../../tensor-core/test/suite/harness.js';

export { expectClose } from '../../tensor-core/test/suite/harness.js';
export { fromGolden, type GoldenTensor } from '../../tensor-core/test/suite/goldens.js';

/** A float64 leaf requiring gradients with seeded values in [lo, hi). */
export function leaf(gen: Generator, shape: Shape, lo = -2, hi = 2): Tensor {
  return seeded(gen, shape, 'float64', lo, hi).requiresGrad_();
}

/** Loads a JSON fixture copied from shared/goldens. */
export const loadFixture = fixtureLoader(new URL('./fixtures/', import.meta.url));
