// Every shared op suite and fused-op contract suite on the wasm backend's FMA build (relaxed-SIMD fused multiply-add).
// Runs in the `node-fma` vitest project only: Node started with relaxed SIMD and SEQLAB_WASM_BUILD=fma.
import { describe, expect, it } from 'vitest';
import { initBackends, runBackendSuites } from '@seqlab/test-utils/backend-suites';
import { wasmBuildInfo } from '@seqlab/kernels-wasm';

await initBackends();

describe('the FMA build', () => {
  it('is the build that runs, chosen by SEQLAB_WASM_BUILD (not a silent fall-back to the plain build)', () => {
    expect(wasmBuildInfo()).toEqual({ build: 'fma', available: ['plain', 'fma'], chosenBy: 'SEQLAB_WASM_BUILD' });
  });
});

describe('wasm backend, FMA build', () => runBackendSuites('wasm'));
