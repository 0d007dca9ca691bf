// Entry point `@seqlab/test-utils/parity-suites`: the PyTorch parity suites (basic ops, optimizers) and the closeness
// helpers, importing nothing Node-only, so the Node tests (cpu, wasm) and the browser tests (gpu) run the same bodies.
export { basicOpsParitySuite } from './suite/parity-basic-ops.js';
export { optimParitySuite } from './suite/parity-optim.js';
export { expectClose, F32, randomValues } from './suite/harness.js';
