// Test helpers: seeded float64 leaves and this package's golden fixtures; closeness checks and golden conversion come from @seqlab/test-utils.
import type { Generator, Shape, Tensor } from '@seqlab/tensor-core';
import { fixtureLoader, seeded } from '@seqlab/test-utils/suites';

export { expectClose, fromGolden, type GoldenTensor } from '@seqlab/test-utils/suites';

/** A float64 leaf requiring gradients with seeded values in [lo, hi). */
export function leaf(gen: Generator, shape: Shape, lo = -2, hi = 2): Tensor {
  return seeded(gen, shape, 'float64', lo, hi).requiresGrad_();
}

/** Loads a JSON fixture copied from shared/goldens. */
export const loadFixture = fixtureLoader(new URL('./fixtures/', import.meta.url));
