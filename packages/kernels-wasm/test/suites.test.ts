// Runs tensor-core's backend-agnostic op suites on the wasm backend. The suites read the backend's dtypes from the
// registry, so they test float32, int32 and bool here and leave float64 (which wasm does not store) to the cpu run.
import { describe, expect, it } from 'vitest';
import { initWasm } from '@seqlab/kernels-wasm';
import { storedDTypes } from '../../tensor-core/test/suite/backend-dtypes.js';
import { castSuite } from '../../tensor-core/test/suite/cast.js';
import { elementwiseSuite } from '../../tensor-core/test/suite/elementwise.js';
import { fusedRecurrentSuite } from '../../tensor-core/test/suite/fused-recurrent.js';
import { indexingSuite } from '../../tensor-core/test/suite/indexing.js';
import { limitsSuite } from '../../tensor-core/test/suite/limits.js';
import { matmulSuite } from '../../tensor-core/test/suite/matmul.js';
import { movementSuite } from '../../tensor-core/test/suite/movement.js';
import { publicSurfaceSuite } from '../../tensor-core/test/suite/public-surface.js';
import { reduceSuite } from '../../tensor-core/test/suite/reduce.js';
import { softmaxSuite } from '../../tensor-core/test/suite/softmax.js';

// The suites read the backend's dtypes when they are collected, so the backend must be registered first.
if ((await initWasm()) === undefined) throw new Error('the wasm backend needs WebAssembly SIMD, which this host lacks');

describe.each(['wasm'])('%s backend', (b) => {
  it('gives the suites float32, int32 and bool to test (a dtype dropped from the backend would silently shrink them)', () => {
    expect(storedDTypes(b)).toEqual(['float32', 'int32', 'bool']);
  });
  describe('cast', () => castSuite(b));
  describe('elementwise', () => elementwiseSuite(b));
  describe('fused recurrent', () => fusedRecurrentSuite(b));
  describe('indexing', () => indexingSuite(b));
  describe('limits', () => limitsSuite(b));
  describe('matmul', () => matmulSuite(b));
  describe('movement', () => movementSuite(b));
  // Every public op with bad arguments: typed errors here too, and the same outcome as on the cpu backend.
  describe('public surface', () => publicSurfaceSuite(b, { compareWith: 'cpu' }));
  describe('reduce', () => reduceSuite(b));
  describe('softmax', () => softmaxSuite(b));
});
