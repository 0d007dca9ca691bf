// inferenceScope: under noGrad a forward's temporaries are disposed when it returns (on wasm they stay in wasm memory
// meanwhile, and the result comes back in ordinary storage); with gradients recorded, nested, or with a result it
// cannot see into, nothing is disposed.
import { describe, expect, it } from 'vitest';
import { add, Generator, matmul, memory, randn, relu, sum, tanh, type Tensor } from '@seqlab/tensor-core';
import { inferenceScope, noGrad } from '@seqlab/autograd';
import { wasmBackend, wasmHeapStats } from '@seqlab/kernels-wasm';
import { BACKENDS } from '@seqlab/test-utils/backends';

/** A small forward with three temporaries: relu(tanh(x·w) + b)·w2. */
function operands(backend: string) {
  const gen = new Generator(7);
  const t = (shape: number[]) => randn(shape, { generator: gen, backend });
  return { x: t([16, 12]), w: t([12, 24]), b: t([24]), w2: t([24, 8]) };
}
type Operands = ReturnType<typeof operands>;
const forward = ({ x, w, b, w2 }: Operands): Tensor => matmul(relu(add(tanh(matmul(x, w)), b)), w2);

describe.each(BACKENDS)('inferenceScope on %s', (backend) => {
  const gcBackend = backend === 'cpu' || backend === 'wasm';

  it('under noGrad returns the same values and, where storage is garbage-collected, leaves only the result alive', () => {
    const ops = operands(backend);
    const expected = noGrad(() => forward(ops)).dataSync();
    const before = memory(backend).storages;
    const y = noGrad(() => inferenceScope(ops.x.backend, () => forward(ops)));
    expect(Array.from(y.dataSync())).toEqual(Array.from(expected));
    if (gcBackend) expect(memory(backend).storages).toBe(before + 1);
    else expect(memory(backend).storages).toBeGreaterThan(before + 1);
  });

  it('with gradients recorded runs the function as it is: the graph keeps its intermediates and backward works', () => {
    const ops = operands(backend);
    ops.w.requiresGrad = true;
    const before = memory(backend).storages;
    const y = inferenceScope(ops.x.backend, () => forward(ops));
    expect(memory(backend).storages).toBeGreaterThan(before + 1);
    sum(y).backward();
    expect(ops.w.grad?.shape).toEqual([12, 24]);
  });

  it('disposes the temporaries of a scope inside another at its end, and keeps every tensor of a result', () => {
    const ops = operands(backend);
    const before = memory(backend).storages;
    const { out, inner } = noGrad(() =>
      inferenceScope(ops.x.backend, () => {
        const mid = memory(backend).storages;
        const hidden = inferenceScope(ops.x.backend, () => tanh(matmul(ops.x, ops.w)));
        // The inner scope left only its result (x·w is gone).
        if (gcBackend) expect(memory(backend).storages).toBe(mid + 1);
        return { out: matmul(relu(add(hidden, ops.b)), ops.w2), inner: [hidden] };
      }),
    );
    expect(out.isDisposed).toBe(false);
    expect(inner[0].isDisposed).toBe(false);
    expect(inner[0].shape).toEqual([16, 24]);
    if (gcBackend) expect(memory(backend).storages).toBe(before + 2);
  });

  it('disposes nothing when the result holds an object it cannot see into', () => {
    const ops = operands(backend);
    class Box {
      constructor(readonly hidden: Tensor) {}
    }
    let hidden: Tensor | undefined;
    const box = noGrad(() =>
      inferenceScope(ops.x.backend, () => {
        hidden = tanh(matmul(ops.x, ops.w));
        return new Box(hidden);
      }),
    );
    expect(box.hidden).toBe(hidden);
    expect(box.hidden.isDisposed).toBe(false);
    expect(box.hidden.dataSync().length).toBe(16 * 24);
  });

  it('disposes what the function made before it threw, and rethrows', () => {
    const ops = operands(backend);
    const before = memory(backend).storages;
    expect(() =>
      noGrad(() =>
        inferenceScope(ops.x.backend, () => {
          tanh(matmul(ops.x, ops.w));
          throw new Error('inside');
        }),
      ),
    ).toThrow('inside');
    if (gcBackend) expect(memory(backend).storages).toBe(before);
  });
});

describe('inferenceScope on wasm', () => {
  it('keeps the temporaries in wasm memory (fewer bytes copied) and returns the result in ordinary storage', () => {
    const ops = operands('wasm');
    const copies = (fn: () => Tensor): { bytes: number; y: Tensor } => {
      const a = wasmHeapStats();
      const y = noGrad(fn);
      const b = wasmHeapStats();
      return { bytes: b.bytesCopiedIn - a.bytesCopiedIn + b.bytesCopiedOut - a.bytesCopiedOut, y };
    };
    const plain = copies(() => forward(ops));
    const scoped = copies(() => inferenceScope(ops.x.backend, () => forward(ops)));
    expect(Array.from(scoped.y.dataSync())).toEqual(Array.from(plain.y.dataSync()));
    // Three temporaries of 16×24 floats, each copied out and back in without the scope.
    expect(plain.bytes - scoped.bytes).toBeGreaterThanOrEqual(3 * 2 * 16 * 24 * 4 - 16 * 8 * 4);
    expect(wasmBackend.isResident!(scoped.y.handle)).toBe(false);
  });
});
