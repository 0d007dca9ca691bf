// Every backend of BACKENDS runs every shared op suite and every fused-op contract suite: naming a backend once runs them all.
import { describe } from 'vitest';
import {
  adamStepContract,
  attentionContract,
  BACKENDS,
  castSuite,
  elementwiseSuite,
  fusedRecurrentSuite,
  gruSequenceContract,
  indexingSuite,
  limitsSuite,
  initBackends,
  layerNormContract,
  lstmSequenceContract,
  matmulSuite,
  movementSuite,
  publicSurfaceSuite,
  reduceSuite,
  softmaxSuite,
} from '@seqlab/test-utils/suites';

// The suites read each backend's dtypes when they are collected, so every backend must be registered first.
await initBackends();

describe.each(BACKENDS)('%s backend', (backend) => {
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
});
