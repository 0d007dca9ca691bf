// Test helpers: seeded float64 leaves; closeness checks come from @seqlab/test-utils (as do the golden parity suites).
import type { Generator, Shape, Tensor } from '@seqlab/tensor-core';
import { seeded } from '@seqlab/test-utils/suites';

export { expectClose } from '@seqlab/test-utils/suites';

/** A float64 leaf requiring gradients with seeded values in [lo, hi). */
export function leaf(gen: Generator, shape: Shape, lo = -2, hi = 2): Tensor {
  return seeded(gen, shape, 'float64', lo, hi).requiresGrad_();
}
