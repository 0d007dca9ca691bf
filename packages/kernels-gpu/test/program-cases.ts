// Shared body of the program-helper tests: add end to end through runProgram, and the compile cache, in any mode.
import { expect, it } from 'vitest';
import { add, tensor } from '@seqlab/tensor-core';
import { backendInfo, compileCount } from '@seqlab/kernels-gpu';

/** Declares the tests; `kernelMode` is gpu.js's kernel class mode expected (`gpu` for WebGL2, `webasm`). */
export function programTests(kernelMode: string): void {
  it('adds with broadcasting, and a second call with the same shapes compiles nothing', () => {
    expect(backendInfo().kernelMode).toBe(kernelMode);
    const a = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      undefined,
      { backend: 'gpu' },
    );
    const b = tensor([10, 20, 30], undefined, { backend: 'gpu' });
    const expected = [
      [11, 22, 33],
      [14, 25, 36],
    ];
    expect(add(a, b).toArray()).toEqual(expected);
    const before = compileCount();
    expect(add(a, b).toArray()).toEqual(expected);
    expect(compileCount()).toBe(before);
  });
}
