// The wasm backend gives the shared suites (run on every backend in test-utils' backend-suites test) the dtypes it
// stores: float32, int32 and bool, leaving float64 (which wasm does not store) to the cpu run.
import { describe, expect, it } from 'vitest';
import { initWasm } from '@seqlab/kernels-wasm';
import { storedDTypes } from '@seqlab/test-utils/suites';

if ((await initWasm()) === undefined) throw new Error('the wasm backend needs WebAssembly SIMD, which this host lacks');

describe.each(['wasm'])('%s backend', (b) => {
  it('gives the suites float32, int32 and bool to test (a dtype dropped from the backend would silently shrink them)', () => {
    expect(storedDTypes(b)).toEqual(['float32', 'int32', 'bool']);
  });
});
