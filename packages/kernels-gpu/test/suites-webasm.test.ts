// A fast subset of the shared op suites on the gpu backend in Node, in gpu.js's webasm mode: the kernel sources, index
// math, broadcasting and host paths, without a browser (the whole list runs in backend-suites.browser.test.ts).
import { describe } from 'vitest';
import { castSuite, elementwiseSuite, indexingSuite, limitsSuite, matmulSuite, movementSuite, reduceSuite, softmaxSuite } from '@seqlab/test-utils/suites';
import { initGpu } from '@seqlab/kernels-gpu';

await initGpu({ mode: 'webasm' });

describe('gpu backend, gpu.js webasm mode', () => {
  describe('cast', () => castSuite('gpu'));
  describe('elementwise', () => elementwiseSuite('gpu'));
  describe('limits', () => limitsSuite('gpu'));
  describe('reduce', () => reduceSuite('gpu'));
  describe('softmax', () => softmaxSuite('gpu'));
  describe('matmul', () => matmulSuite('gpu'));
  describe('movement', () => movementSuite('gpu'));
  describe('indexing', () => indexingSuite('gpu'));
});
