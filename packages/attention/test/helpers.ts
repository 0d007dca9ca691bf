// Test helpers: this package's golden fixtures; closeness checks, seeded tensors and golden conversion come from @seqlab/test-utils.
import { fixtureLoader, stores } from '@seqlab/test-utils/suites';

export { expectClose, fromGolden, seeded, type GoldenCase, type GoldenTensor } from '@seqlab/test-utils/suites';

/** Loads a JSON fixture copied from shared/goldens. */
export const loadFixture = fixtureLoader(new URL('./fixtures/', import.meta.url));

/** The `[dtype, fused, batchFirst]` combinations every PyTorch-parity suite of this package runs. */
export const PARITY_CONFIGS = [
  ['float32', true, true],
  ['float32', false, true],
  ['float32', true, false],
  ['float64', true, true],
  ['float64', false, false],
] as const;

/** The {@link PARITY_CONFIGS} whose dtype `backend` stores (float64 drops out on wasm). */
export function parityConfigs(backend: string): (typeof PARITY_CONFIGS)[number][] {
  return PARITY_CONFIGS.filter(([dtype]) => stores(backend, dtype));
}
