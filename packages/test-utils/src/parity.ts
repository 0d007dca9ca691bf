// Entry point `@seqlab/test-utils/parity`: the PyTorch-goldens parity suites of the layers, one body per backend, run by
// the packages' Node tests (cpu, wasm) and by the gpu backend's browser tests; fixtures are JSON imports (browser-safe).
export { expectCloseToGolden, goldenTolerance } from './parity/golden-close.js';
export { recurrentGoldensSuite, recurrentLengthsSuite } from './parity/recurrent.js';
export {
  attentionGoldensSuite,
  multiHeadAttentionGoldensSuite,
  PARITY_CONFIGS,
  parityConfigs,
  positionalEncodingGoldensSuite,
  transformerEncoderLayerGoldensSuite,
} from './parity/attention.js';
