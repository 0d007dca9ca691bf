// Entry point `@seqlab/test-utils/parity-suites`: the PyTorch parity suites (basic ops, optimizers, recurrent and attention
// layers) and the closeness helpers, importing nothing Node-only, so the Node tests (cpu, wasm) and the browser tests (gpu)
// run the same bodies.
export { basicOpsParitySuite } from './suite/parity-basic-ops.js';
export { optimParitySuite } from './suite/parity-optim.js';
export { expectClose, F32, randomValues } from './suite/harness.js';
export { expectCloseToGolden, goldenTolerance } from './suite/golden-close.js';
export { recurrentGoldensSuite, recurrentLengthsSuite } from './suite/parity-recurrent.js';
export {
  attentionGoldensSuite,
  multiHeadAttentionGoldensSuite,
  PARITY_CONFIGS,
  parityConfigs,
  positionalEncodingGoldensSuite,
  transformerEncoderLayerGoldensSuite,
} from './suite/parity-attention.js';
