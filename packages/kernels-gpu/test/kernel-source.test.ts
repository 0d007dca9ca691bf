// The shape plans behind the gpu reduction and matmul kernels (pure functions, no GPU): no thread ever folds more than
// 256 values or sums more than 1,024 products, and every plan covers its whole axis.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_WINDOW, stageWindows } from '../src/kernels/reduce-source.js';
import { matmulShape, MAX_DOT } from '../src/kernels/matmul-source.js';
import { simplifyView, transposeView } from '../src/kernels/movement-source.js';

describe('stageWindows', () => {
  it('reduces any axis up to 2^24 in ⌈log_256 len⌉ stages of at most 256 elements that cover it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 24 }), (len) => {
        const windows = stageWindows(len);
        expect(windows.length).toBe(Math.max(1, Math.ceil(Math.log2(len) / 8 - 1e-9)));
        let remaining = len;
        for (const w of windows) {
          expect(w).toBeGreaterThanOrEqual(1);
          expect(w).toBeLessThanOrEqual(MAX_WINDOW);
          remaining = Math.ceil(remaining / w);
        }
        expect(remaining).toBe(1);
      }),
      { numRuns: 2000 },
    );
  });

  it('is one thread per output up to 256 elements and a √n tree up to 65,536', () => {
    expect(stageWindows(1)).toEqual([1]);
    expect(stageWindows(256)).toEqual([256]);
    expect(stageWindows(257)).toEqual([17, 16]);
    expect(stageWindows(65_536)).toEqual([256, 256]);
    expect(stageWindows(2 ** 20)).toEqual([102, 102, 101]);
  });
});

describe('matmulShape', () => {
  it('drops size-1 batch dims and gives broadcast operands stride 0, in matrices', () => {
    const s = matmulShape([2, 1, 3, 4], [5, 4, 6], false, false, [2, 5, 3, 6]);
    expect(s).toMatchObject({ batch: [2, 5], aBatchStrides: [1, 0], bBatchStrides: [0, 1], m: 3, n: 6, k: 4 });
    expect(matmulShape([1, 4, 3], [3, 2], true, false, [1, 3, 2])).toMatchObject({ batch: [], m: 3, n: 2, k: 4 });
    expect(MAX_DOT).toBe(1024);
  });
});

describe('simplifyView', () => {
  it('merges the dims a permutation keeps together and drops size-1 dims', () => {
    // [B, T, H, D] → [B, H, T, D]: B and D rows stay whole.
    expect(simplifyView(transposeView([2, 3, 4, 5], [0, 2, 1, 3]))).toEqual({ dims: [2, 4, 3, 5], strides: [60, 5, 20, 1], base: 0 });
    expect(simplifyView(transposeView([1, 3, 1, 5], [2, 0, 1, 3]))).toEqual({ dims: [15], strides: [1], base: 0 });
  });
});
