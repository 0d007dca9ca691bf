// Every shared op suite and fused-op contract suite on the gpu backend, in headless Chromium (WebGL2 on SwiftShader).
import { describe, expect, it } from 'vitest';
import { BACKENDS, initBackends, runBackendSuites } from '@seqlab/test-utils/backend-suites';
import { backendInfo } from '@seqlab/kernels-gpu';

await initBackends();

describe('the gpu backend in this browser', () => {
  it('runs gpu.js WebGL2 kernels, not a silent cpu fallback', () => {
    const info = backendInfo();
    console.log(`gpu backend: mode ${info.mode}, kernels ${info.kernelMode}, renderer ${info.renderer}, software ${info.software}`);
    expect(BACKENDS).toEqual(['gpu']);
    expect(info.mode).toBe('webgl2');
    expect(info.kernelMode).not.toBe('cpu');
  });
});

describe.each(BACKENDS)('%s backend', (backend) => runBackendSuites(backend));
