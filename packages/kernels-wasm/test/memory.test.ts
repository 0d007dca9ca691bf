// Synchronous training loops on the wasm backend with nothing disposed: wasm memory stays flat, values match cpu.
import { describe, expect, it } from 'vitest';
import { Generator, mean, randint, randn, reshape, square, sub, tanh, tensor, type Tensor } from '@seqlab/tensor-core';
import { Adam, backward, crossEntropy, Linear, SGD, type Optimizer } from '@seqlab/autograd';
import { LSTM } from '@seqlab/recurrent';
import { wasmHeapStats } from '@seqlab/kernels-wasm';
import { runtime } from '../src/context.js';
import { expectClose } from '@seqlab/test-utils/suites';

/** A model's training step on one backend: returns the loss; the optimizer and data are built per backend. */
type Step = () => Tensor;

/**
 * Runs `steps` steps of the wasm and cpu loops in lockstep (no await, no dispose). Records wasm memory after step
 * 10 and after the last step, checks that no wasm block outlives a step, and compares every loss within
 * `tolerance(step)`.
 */
function trainInLockstep(wasmStep: Step, cpuStep: Step, steps: number, tolerance: (step: number) => number): { at10: number; atEnd: number } {
  let at10 = 0;
  for (let step = 1; step <= steps; step++) {
    const lossWasm = wasmStep();
    const lossCpu = cpuStep();
    expect(lossWasm.backendName).toBe('wasm');
    expect(wasmHeapStats().liveBlocks).toBe(0);
    const tol = tolerance(step);
    expectClose(lossWasm, lossCpu.dataSync(), { rtol: tol, atol: tol });
    if (step === 10) at10 = runtime().memory.buffer.byteLength;
  }
  return { at10, atEnd: runtime().memory.buffer.byteLength };
}

function mlpStep(backend: string): Step {
  const gen = new Generator(1);
  const first = new Linear(32, 64, { generator: gen, backend });
  const second = new Linear(64, 10, { generator: gen, backend });
  const x = randn([128, 32], { generator: new Generator(2), backend });
  const labels = randint(0, 10, [128], { generator: new Generator(3), backend });
  const opt: Optimizer = new SGD([...first.parameters(), ...second.parameters()], { lr: 0.1 });
  return () => {
    opt.zeroGrad();
    const loss = crossEntropy(second.forward(tanh(first.forward(x))), labels);
    backward(loss);
    opt.step();
    return loss;
  };
}

function lstmStep(backend: string): Step {
  const lstm = new LSTM(8, 32, { generator: new Generator(4), backend });
  const head = new Linear(32, 1, { generator: new Generator(5), backend });
  const x = randn([12, 16, 8], { generator: new Generator(6), backend });
  const target = randn([16, 1], { generator: new Generator(7), backend });
  const opt: Optimizer = new Adam([...lstm.parameters(), ...head.parameters()], { lr: 1e-3 });
  return () => {
    opt.zeroGrad();
    const { hN } = lstm.forward(x);
    const last = reshape(hN, [16, 32]);
    const loss = mean(square(sub(head.forward(last), target)));
    backward(loss);
    opt.step();
    return loss;
  };
}

describe('memory of a synchronous training loop with nothing disposed', () => {
  it('Linear → tanh → Linear with crossEntropy and SGD: 200 steps, wasm memory flat, losses as on cpu', () => {
    const { at10, atEnd } = trainInLockstep(mlpStep('wasm'), mlpStep('cpu'), 200, () => 1e-5);
    expect(at10).toBeGreaterThan(0);
    expect(atEnd).toBe(at10);
  });

  it('a small LSTM with Adam: 200 steps, wasm memory flat, losses as on cpu', () => {
    // Adam divides by the gradients' running RMS, which amplifies the float32 rounding differences of the two
    // backends' summation orders as training goes on: the first steps agree to 1e-5, later ones to 1e-3.
    const { at10, atEnd } = trainInLockstep(lstmStep('wasm'), lstmStep('cpu'), 200, (step) => (step <= 20 ? 1e-5 : 1e-3));
    expect(atEnd).toBe(at10);
  });

  it('holds no wasm block between calls even after a kernel throws', () => {
    const x = tensor([1, 2, 3], [3], { backend: 'wasm' });
    const i = tensor([0, 1], [2], { dtype: 'int32', backend: 'wasm' });
    // A kernel table call with a result dtype the wasm kernels do not compute: refused inside the frame.
    expect(() => x.backend.kernels.cast!(x, 'float64')).toThrow(
      expect.objectContaining({ code: 'DTYPE_MISMATCH', message: expect.stringContaining('float64') }),
    );
    expect(runtime().frame.isOpen).toBe(false);
    expect(wasmHeapStats().liveBlocks).toBe(0);
    expect(Array.from(x.backend.kernels.gather!(x, i, 0) as Float32Array)).toEqual([1, 2]);
  });
});
