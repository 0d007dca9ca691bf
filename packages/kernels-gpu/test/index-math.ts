// Shared body of the index-math tests: broadcasting stays exact for flat indices above 2^23, where float32 spacing is 1.
import { expect, it } from 'vitest';
import { add, tensor } from '@seqlab/tensor-core';

/** Declares the test (the gpu backend must be started). */
export function indexMathTests(): void {
  it('broadcasts exactly at flat indices above 2^23 (a [2.8M, 3] tensor plus a [3] row)', () => {
    const rows = 2_800_000; // 8.4M elements: flat indices run past 2^23 = 8,388,608
    const x = tensor(new Float32Array(rows * 3), [rows, 3], { backend: 'gpu' });
    const row = tensor([1, 2, 3], undefined, { backend: 'gpu' });
    const y = add(x, row).dataSync();
    // Every element is its column's value: a wrong quotient in the index math shifts the column.
    const bad: number[] = [];
    for (let i = 0; i < y.length && bad.length < 5; i++) if (y[i] !== (i % 3) + 1) bad.push(i);
    expect(bad).toEqual([]);
    x.dispose();
  });
}
