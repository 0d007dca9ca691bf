// Backward disposes the intermediate gradients and rule temporaries it alone holds, and nothing a user can reach; on
// wasm those live in wasm memory (scratch results), which cuts the bytes copied in and out, with the same gradients.
import { describe, expect, it } from 'vitest';
import { add, Generator, matmul, mean, mul, randn, relu, square, sum, tanh, tensor, type Tensor } from '@seqlab/tensor-core';
import { backward, customOp, LayerNorm, Linear, SGD } from '@seqlab/autograd';
import { wasmBackend, wasmHeapStats } from '@seqlab/kernels-wasm';
import { BACKENDS } from '@seqlab/test-utils/backends';

const snapshot = (tensors: readonly Tensor[]): number[][] => tensors.map((t) => Array.from(t.dataSync()));

describe.each(BACKENDS)('backward on %s', (backend) => {
  const opts = { backend };

  it('leaves every tensor the user holds readable after backward and after further steps', () => {
    const gen = new Generator(3);
    const x = randn([8, 6], { generator: gen, ...opts });
    const w = randn([6, 5], { generator: gen, ...opts }).requiresGrad_();
    const hidden = matmul(x, w);
    const act = tanh(hidden);
    const out = mul(act, act);
    const loss = mean(out);
    const seed = tensor(1, [], opts);
    const held = [x, hidden, act, out, loss, seed];
    const values = snapshot(held);
    backward(loss, seed);
    const grad = w.grad!;
    const gradValues = snapshot([grad]);
    expect(snapshot(held)).toEqual(values);
    // Further steps: new graphs, new gradients, an optimizer update; nothing held above is freed or changed.
    const opt = new SGD([w], { lr: 0.1 });
    for (let step = 0; step < 3; step++) {
      opt.step();
      opt.zeroGrad();
      backward(mean(square(tanh(matmul(x, w)))));
    }
    expect(snapshot(held)).toEqual(values);
    expect(snapshot([grad])).toEqual(gradValues);
    expect(grad.isDisposed).toBe(false);
  });

  it('keeps a gradient that is both a leaf’s .grad and an intermediate gradient', () => {
    const a = tensor([1, 2, 3], [3], opts).requiresGrad_();
    const c = tensor([4, 5, 6], [3], opts).requiresGrad_();
    // add passes its gradient through unchanged to both inputs: one tensor for the leaf a and the intermediate c·2.
    sum(mul(add(a, mul(c, 2)), tensor([1, 10, 100], [3], opts))).backward();
    const first = a.grad!;
    expect(Array.from(first.dataSync())).toEqual([1, 10, 100]);
    expect(Array.from(c.grad!.dataSync())).toEqual([2, 20, 200]);
    sum(mul(add(a, mul(c, 2)), 3)).backward();
    expect(Array.from(first.dataSync())).toEqual([1, 10, 100]);
    expect(Array.from(a.grad!.dataSync())).toEqual([4, 13, 103]);
  });

  it('hands a custom op that keeps what it receives tensors that stay valid', () => {
    const kept: Tensor[] = [];
    const spy = customOp<Tensor>({
      name: 'spy',
      inputs: ['x'],
      forward: ([x]) => ({ outputs: x }),
      backward: ([g]) => {
        kept.push(g);
        const passed = mul(g, 1);
        kept.push(passed);
        return [passed];
      },
    });
    const w = tensor([0.5, -1, 2], [3], opts).requiresGrad_();
    for (let step = 0; step < 3; step++) sum(square(spy(relu(mul(w, 3))))).backward();
    expect(kept).toHaveLength(6);
    for (const g of kept) expect(g.isDisposed).toBe(false);
    expect(Array.from(kept[0].dataSync())).toEqual([3, 0, 12]);
    expect(Array.from(w.grad!.dataSync())).toEqual([27, 0, 108]);
  });

  it('disposes the gradients a pure rule returns once they are consumed, and the rule’s temporaries at once', () => {
    const seen: Tensor[] = [];
    // Breaks the pureBackward promise on purpose (it keeps what it makes) to observe what backward disposes.
    const peek = customOp<Tensor>({
      name: 'peek',
      inputs: ['x'],
      pureBackward: true,
      forward: ([x]) => ({ outputs: mul(x, 1) }),
      backward: ([g]) => {
        const temporary = mul(g, 2);
        const grad = mul(temporary, 0.5);
        seen.push(temporary, grad);
        return [grad];
      },
    });
    const w = tensor([1, -2], [2], opts).requiresGrad_();
    const h = mul(w, 3);
    sum(mul(peek(h), h)).backward();
    expect(seen.map((t) => t.isDisposed)).toEqual([true, true]);
    expect(Array.from(w.grad!.dataSync())).toEqual([18, -36]);
  });

  it('disposes what a pure custom op’s forward made besides its outputs once the graph is freed, not before', () => {
    let made: Tensor[] = [];
    const square2 = customOp<Tensor[], Tensor>({
      name: 'square2',
      inputs: ['x'],
      pureBackward: true,
      forward: ([x]) => {
        const twice = mul(x, 2); // saved for backward
        const temporary = add(x, 1);
        const y = mul(x, x);
        const unused = add(x, 5); // neither output nor saved
        made = [twice, temporary, y, unused];
        return { outputs: [y, temporary], saved: twice };
      },
      backward: ([g], twice) => [mul(g, twice)],
    });
    const x = tensor([1, 2, 3], [3], opts).requiresGrad_();
    const [y, plusOne] = square2(x);
    const loss = sum(y);
    loss.backward(null, { retainGraph: true });
    expect(made.map((t) => t.isDisposed)).toEqual([false, false, false, false]);
    loss.backward();
    // The saved tensor is gone; the outputs (the second one a tensor forward also made) are the user's.
    expect(made.map((t) => t.isDisposed)).toEqual([true, false, false, true]);
    expect(Array.from(y.dataSync())).toEqual([1, 4, 9]);
    expect(Array.from(plusOne.dataSync())).toEqual([2, 3, 4]);
    expect(Array.from(x.grad!.dataSync())).toEqual([4, 8, 12]);
  });

  it('runs backward twice through a retained graph with the same gradients', () => {
    const w = tensor([0.5, -1, 2], [3], opts).requiresGrad_();
    const h = tanh(mul(w, w));
    const loss = sum(mul(h, h));
    loss.backward(null, { retainGraph: true });
    const once = Array.from(w.grad!.dataSync());
    loss.backward();
    const twice = Array.from(w.grad!.dataSync());
    once.forEach((v, i) => expect(twice[i]).toBeCloseTo(2 * v, 5));
    expect(Array.from(h.dataSync())).toHaveLength(3);
  });
});

describe('scratch gradients on wasm', () => {
  const gen = new Generator(11);
  const opts = { generator: gen, backend: 'wasm' };
  const first = new Linear(48, 64, opts);
  const norm = new LayerNorm(64, { backend: 'wasm' });
  const second = new Linear(64, 32, opts);
  const x = randn([40, 48], opts);
  const params = [...first.parameters(), ...norm.parameters(), ...second.parameters()];
  const isResident = (t: Tensor): boolean => wasmBackend.isResident!(t.handle);

  // One backward: the gradients and the heap counters it moved.
  function step(): { grads: number[][]; copiedIn: number; copiedOut: number; moved: number; residentBefore: number; residentAfter: number } {
    for (const p of params) p.grad = null;
    const loss = mean(square(second.forward(relu(norm.forward(add(first.forward(x), 0.5))))));
    const before = wasmHeapStats();
    loss.backward();
    const after = wasmHeapStats();
    for (const p of params) expect(isResident(p.grad!)).toBe(false);
    return {
      grads: snapshot(params.map((p) => p.grad!)),
      copiedIn: after.bytesCopiedIn - before.bytesCopiedIn,
      copiedOut: after.bytesCopiedOut - before.bytesCopiedOut,
      moved: after.bytesMoved - before.bytesMoved,
      residentBefore: before.residentBytes,
      residentAfter: after.residentBytes,
    };
  }

  it('frees the scratch memory of a rule that throws, and backward works again afterwards', () => {
    const made: Tensor[] = [];
    const failing = customOp<Tensor>({
      name: 'failing',
      inputs: ['x'],
      pureBackward: true,
      forward: ([x]) => ({ outputs: mul(x, 1) }),
      backward: ([g]) => {
        made.push(mul(g, 2), add(g, 1));
        throw new Error('rule failed');
      },
    });
    const w = randn([64, 64], { generator: new Generator(8), backend: 'wasm' }).requiresGrad_();
    const h = tanh(w);
    const before = wasmHeapStats();
    expect(() => sum(failing(mul(h, h))).backward()).toThrow('rule failed');
    expect(made).toHaveLength(2);
    expect(made.map((t) => t.isDisposed)).toEqual([true, true]);
    expect(wasmHeapStats().residentBytes).toBe(before.residentBytes);
    sum(mul(h, h)).backward();
    expect(w.grad!.shape).toEqual([64, 64]);
    expect(wasmHeapStats().residentBytes).toBe(before.residentBytes);
  });

  it('copies fewer bytes in and out, frees every scratch block, and gives the same gradients as without', () => {
    const hook = wasmBackend.scratchResults;
    let off;
    try {
      (wasmBackend as { scratchResults?: unknown }).scratchResults = undefined;
      off = step();
    } finally {
      (wasmBackend as { scratchResults?: unknown }).scratchResults = hook;
    }
    const on = step();
    expect(on.grads).toEqual(off.grads);
    expect(off.moved).toBe(0);
    expect(on.moved).toBeGreaterThan(0);
    expect(on.copiedIn).toBeLessThan(off.copiedIn);
    expect(on.copiedOut).toBeLessThan(off.copiedOut);
    // Only the parameters' gradients leave wasm memory (as plain arrays).
    const paramBytes = params.reduce((n, p) => n + p.size * 4, 0);
    expect(on.copiedOut).toBe(paramBytes);
    // Every scratch gradient and temporary was disposed by the end of backward.
    expect(on.residentAfter).toBe(on.residentBefore);
    expect(wasmHeapStats().liveBlocks).toBe(0);
  });
});
