// Entry point `@seqlab/test-utils/suites`: the backend list, the shared op suites, the fused-op contract suites and the
// test helpers (closeness, goldens, README examples) that every package's tests use instead of relative paths.
export { BACKENDS, initBackends } from './backend-list.js';
export { runBackendSuites } from './backend-suites.js';
export type { TestBackend } from './backend-list.js';
export { describeLanguageModelContract } from './contracts/language-model.js';
export type { LanguageModelCase } from './contracts/language-model.js';
export { adamStepContract, attentionContract, gruSequenceContract, layerNormContract, lstmSequenceContract } from './contracts/fused-ops.js';
export { ALL_DTYPES, storedDTypeArb, storedDTypes, stores, widestFloat } from './suite/backend-dtypes.js';
export { castSuite } from './suite/cast.js';
export { elementwiseSuite } from './suite/elementwise.js';
export { fusedRecurrentSuite } from './suite/fused-recurrent.js';
export { fixtureLoader, fromGolden, fromGoldens } from './suite/goldens.js';
export type { GoldenCase, GoldenTensor } from './suite/goldens.js';
export * from './suite/harness.js';
export { indexingSuite } from './suite/indexing.js';
export { limitsSuite } from './suite/limits.js';
export { matmulSuite } from './suite/matmul.js';
export { movementSuite } from './suite/movement.js';
export { publicSurfaceSuite } from './suite/public-surface.js';
export { readmeExample } from './suite/readme-example.js';
export { reduceSuite } from './suite/reduce.js';
export { softmaxSuite } from './suite/softmax.js';
export { default as erfGeluReference } from './fixtures/erf-gelu-reference.json';
export { broadcastAll, broadcastShapesArb, seedArb, shapeAndAxesArb, shapeArb } from './suite/math-arbitraries.js';
