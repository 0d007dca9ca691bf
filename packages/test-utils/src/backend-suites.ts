// Entry point `@seqlab/test-utils/backend-suites`: every shared op suite and fused-op contract suite for one backend,
// importing nothing Node-only, so the Node runner and the browser runner read one suite list.
import { describe } from 'vitest';
import { adamStepContract, attentionContract, gruSequenceContract, layerNormContract, lstmSequenceContract } from './contracts/fused-ops.js';
import { castSuite } from './suite/cast.js';
import { elementwiseSuite } from './suite/elementwise.js';
import { fusedRecurrentSuite } from './suite/fused-recurrent.js';
import { indexingSuite } from './suite/indexing.js';
import { limitsSuite } from './suite/limits.js';
import { matmulSuite } from './suite/matmul.js';
import { movementSuite } from './suite/movement.js';
import { publicSurfaceSuite } from './suite/public-surface.js';
import { reduceSuite } from './suite/reduce.js';
import { softmaxSuite } from './suite/softmax.js';

export { BACKENDS, initBackends } from './backend-list.js';
export type { TestBackend } from './backend-list.js';

/**
 * Declares, inside the current `describe`, every shared op suite and every fused-op contract suite on `backend`
 * (registered first: the suites read its dtypes when they are collected). Naming a backend in BACKENDS runs them all.
 *
 * @example
 * ```ts
 * await initBackends();
 * describe.each(BACKENDS)('%s backend', (backend) => runBackendSuites(backend));
 * ```
 */
export function runBackendSuites(backend: string): void {
  describe('ops', () => {
    describe('cast', () => castSuite(backend));
    describe('elementwise', () => elementwiseSuite(backend));
    describe('indexing', () => indexingSuite(backend));
    describe('limits', () => limitsSuite(backend));
    describe('matmul', () => matmulSuite(backend));
    describe('movement', () => movementSuite(backend));
    // Every public op with bad arguments: typed errors, and on other backends the same outcome as on cpu.
    describe('public surface', () => publicSurfaceSuite(backend, backend === 'cpu' ? {} : { compareWith: 'cpu' }));
    describe('reduce', () => reduceSuite(backend));
    describe('softmax', () => softmaxSuite(backend));
  });
  describe('fused ops against their composed references', () => {
    describe('LSTM/GRU sequence kernels', () => fusedRecurrentSuite(backend));
    describe('lstmSequence', () => lstmSequenceContract(backend));
    describe('gruSequence', () => gruSequenceContract(backend));
    describe('attention', () => attentionContract(backend));
    describe('layerNorm', () => layerNormContract(backend));
    describe('adamStep', () => adamStepContract(backend));
  });
}
