// Runs tensor-core's backend-agnostic op suites on the wasm backend. The suites test float64 on every backend;
// the wasm backend does not store float64, so those cases run on the CPU kernels through the test-only wrapper.
import { describe } from 'vitest';
import { registerWasmWithFloat64Fallback } from './float64-fallback.js';
import { castSuite } from '../../tensor-core/test/suite/cast.js';
import { elementwiseSuite } from '../../tensor-core/test/suite/elementwise.js';
import { indexingSuite } from '../../tensor-core/test/suite/indexing.js';
import { matmulSuite } from '../../tensor-core/test/suite/matmul.js';
import { movementSuite } from '../../tensor-core/test/suite/movement.js';
import { reduceSuite } from '../../tensor-core/test/suite/reduce.js';
import { softmaxSuite } from '../../tensor-core/test/suite/softmax.js';

registerWasmWithFloat64Fallback();

describe.each(['wasm'])('%s backend', (b) => {
  describe('cast', () => castSuite(b));
  describe('elementwise', () => elementwiseSuite(b));
  describe('indexing', () => indexingSuite(b));
  describe('matmul', () => matmulSuite(b));
  describe('movement', () => movementSuite(b));
  describe('reduce', () => reduceSuite(b));
  describe('softmax', () => softmaxSuite(b));
});
