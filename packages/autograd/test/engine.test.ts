import { describe, expect, it } from 'vitest';
import { add, exp, mul, ones, sum, tensor, tanh, sigmoid, sub, type Tensor } from '@seqlab/tensor-core';
import { backward, customOp, detach, enableGrad, isGradEnabled, noGrad } from '@seqlab/autograd';

describe('backward', () => {
  it('computes the gradient of a scalar and accumulates across calls', () => {
    const w = tensor([1, 2, 3]).requiresGrad_();
    const loss = sum(mul(w, w));
    expect(loss.requiresGrad).toBe(true);
    loss.backward();
    expect(w.grad?.toArray()).toEqual([2, 4, 6]);
    backward(sum(mul(w, 3)));
    expect(w.grad?.toArray()).toEqual([5, 7, 9]);
  });

  it('sums gradients from every path to a tensor used twice', () => {
    const x = tensor([0.5, -1]).requiresGrad_();
    const y = exp(x);
    const loss = sum(add(mul(y, y), y)); // e^2x + e^x
    loss.backward();
    const g = x.grad!.dataSync();
    expect(g[0]).toBeCloseTo(2 * Math.exp(1) + Math.exp(0.5), 5);
    expect(g[1]).toBeCloseTo(2 * Math.exp(-2) + Math.exp(-1), 5);
  });

  it('requires a seed for non-scalar outputs and checks its shape', () => {
    const x = tensor([1, 2]).requiresGrad_();
    const y = mul(x, 2);
    expect(() => y.backward()).toThrow(/one-element output/);
    expect(() => y.backward(tensor([1, 2, 3]))).toThrowError(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    y.backward(tensor([1, 10]));
    expect(x.grad?.toArray()).toEqual([2, 20]);
  });

  it('refuses tensors that do not require gradients', () => {
    expect(() => sum(tensor([1, 2])).backward()).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('frees the graph unless retainGraph is set', () => {
    const x = tensor([1, 2]).requiresGrad_();
    const loss = sum(tanh(x));
    loss.backward(null, { retainGraph: true });
    loss.backward();
    const once = 1 - Math.tanh(1) ** 2;
    expect(x.grad!.dataSync()[0]).toBeCloseTo(2 * once, 6);
    expect(() => loss.backward()).toThrow(/second time/);
  });

  it('detects an input modified by assign() after it was used', () => {
    const w = tensor([1, 2]).requiresGrad_();
    const loss = sum(mul(w, w));
    noGrad(() => w.assign(tensor([5, 5])));
    expect(() => loss.backward()).toThrow(/modified by assign\(\)/);
  });

  it('leaves intermediate gradients out and only fills leaves', () => {
    const x = tensor([2]).requiresGrad_();
    const y = mul(x, x);
    const z = mul(y, 3);
    z.backward();
    expect(y.grad).toBeNull();
    expect(x.grad?.toArray()).toEqual([12]);
  });

  it('requiresGrad_ rejects int tensors and detach cuts the graph', () => {
    expect(() => tensor([1, 2], undefined, 'int32').requiresGrad_()).toThrowError(expect.objectContaining({ code: 'DTYPE_MISMATCH' }));
    const x = tensor([3]).requiresGrad_();
    const y = mul(x, x);
    const d = y.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.toArray()).toEqual([9]);
    const loss = sum(mul(y, detach(y))); // d/dx (x² · c) = 2x·c with c = 9
    loss.backward();
    expect(x.grad?.toArray()).toEqual([54]);
  });
});

describe('grad mode', () => {
  it('noGrad records nothing and enableGrad re-enables inside it', () => {
    const x = tensor([1]).requiresGrad_();
    const y = noGrad(() => mul(x, 2));
    expect(y.requiresGrad).toBe(false);
    expect(y.gradNode).toBeNull();
    expect(isGradEnabled()).toBe(true);
    const z = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      return enableGrad(() => mul(x, 2));
    });
    expect(z.requiresGrad).toBe(true);
  });

  it('restores the mode when the callback throws', () => {
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
  });
});

describe('customOp', () => {
  const silu = customOp({
    name: 'silu',
    inputs: ['x'],
    forward: ([x]) => {
      const s = sigmoid(x);
      return { outputs: mul(x, s), saved: s };
    },
    backward: ([g], s, { inputs: [x] }) => [mul(g, mul(s, add(1, mul(x, sub(1, s)))))],
  });

  it('uses the hand-written backward and records nothing inside forward', () => {
    const x = tensor([-1, 0.5, 2]).requiresGrad_();
    const y = silu(x);
    expect(y.requiresGrad).toBe(true);
    sum(y).backward();
    const xs = [-1, 0.5, 2];
    const g = x.grad!.dataSync();
    xs.forEach((v, i) => {
      const s = 1 / (1 + Math.exp(-v));
      expect(g[i]).toBeCloseTo(s * (1 + v * (1 - s)), 5);
    });
  });

  it('runs one backward for several outputs, with zeros for unused ones', () => {
    let calls = 0;
    const splitScale = customOp<readonly Tensor[], undefined>({
      name: 'splitScale',
      inputs: ['x'],
      forward: ([x]) => ({ outputs: [mul(x, 2), mul(x, 3)] }),
      backward: ([g0, g1]) => {
        calls++;
        return [add(mul(g0, 2), mul(g1, 3))];
      },
    });
    const x = tensor([1, 1]).requiresGrad_();
    const [a, b] = splitScale(x);
    sum(add(a, mul(b, 10))).backward();
    expect(calls).toBe(1);
    expect(x.grad?.toArray()).toEqual([32, 32]);
    const x2 = tensor([1]).requiresGrad_();
    const [only] = splitScale(x2);
    sum(only).backward();
    expect(x2.grad?.toArray()).toEqual([2]);
  });

  it('rejects a wrong number of inputs and a wrong number of gradients', () => {
    expect(() => silu(ones([1]), ones([1]))).toThrow(/expected 1 inputs/);
    const bad = customOp({ name: 'bad', inputs: ['x'], forward: ([x]) => ({ outputs: mul(x, 1) }), backward: () => [] });
    const x = tensor([1]).requiresGrad_();
    expect(() => sum(bad(x)).backward()).toThrow(/one gradient \(or null\) per input/);
  });
});
