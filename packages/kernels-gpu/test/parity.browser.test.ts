// PyTorch parity on the gpu backend in headless Chromium (WebGL2): the basic_ops.json and optim.json suites that
// autograd's Node tests run on cpu and wasm, with the same assertions and tolerances.
import { beforeAll, describe, expect, it } from 'vitest';
import { backendInfo, initGpu } from '@seqlab/kernels-gpu';
import { basicOpsParitySuite, optimParitySuite } from '@seqlab/test-utils/parity-suites';

beforeAll(async () => {
  await initGpu();
});

describe('gpu backend', () => {
  it('runs its kernels as WebGL kernels', () => expect(backendInfo().kernelMode).toBe('gpu'));
  basicOpsParitySuite('gpu');
  optimParitySuite('gpu');
});
