// Test helpers: closeness checks, seeded tensors and golden conversion come from @seqlab/test-utils (the goldens themselves live there too).
export { expectClose, fromGolden, seeded, type GoldenCase, type GoldenTensor } from '@seqlab/test-utils/suites';
export { PARITY_CONFIGS, parityConfigs } from '@seqlab/test-utils/parity-suites';
