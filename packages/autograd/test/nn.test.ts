import { describe, expect, it } from 'vitest';
import {
  cpuBackend,
  Generator,
  max,
  min,
  mul,
  ones,
  registerBackend,
  sum,
  tanh,
  tensor,
  zeros,
  type DataHandle,
  type Tensor,
  type TypedArray,
} from '@seqlab/tensor-core';
import {
  buffer,
  Dropout,
  Embedding,
  isParameter,
  LayerNorm,
  Linear,
  Module,
  parameter,
  Sequential,
  StateDictKeyError,
  StateDictShapeError,
  Tanh,
} from '@seqlab/autograd';

class Block extends Module {
  readonly proj = new Linear(3, 4, { generator: new Generator(1) });
  readonly norm = new LayerNorm(4);
  forward(x: Tensor): Tensor {
    return this.norm.forward(this.proj.forward(x));
  }
}

class Net extends Module {
  readonly embed = new Embedding(5, 3, { generator: new Generator(2) });
  readonly layers = [new Block(), new Block()];
  readonly scale = parameter(ones([4]));
  readonly table = buffer(zeros([2]));
  readonly notAMember = 42;
  forward(ids: Tensor): Tensor {
    let h = this.embed.forward(ids);
    h = this.layers[0].forward(h);
    return mul(h, this.scale);
  }
}

describe('Module registration and names', () => {
  it('names parameters like PyTorch state_dict, in declaration order', () => {
    const net = new Net();
    expect(net.namedParameters().map(([n]) => n)).toEqual([
      'scale',
      'embed.weight',
      'layers.0.proj.weight',
      'layers.0.proj.bias',
      'layers.0.norm.weight',
      'layers.0.norm.bias',
      'layers.1.proj.weight',
      'layers.1.proj.bias',
      'layers.1.norm.weight',
      'layers.1.norm.bias',
    ]);
    expect(Object.keys(net.stateDict())).toContain('table');
    expect(net.namedBuffers().map(([n]) => n)).toEqual(['table']);
    expect(net.numParameters()).toBe(4 + 15 + 2 * (12 + 4 + 4 + 4));
    expect(net.parameters().every(isParameter)).toBe(true);
  });

  it('Sequential names children 0, 1, 2 and runs them in order', () => {
    const g = new Generator(3);
    const mlp = new Sequential(new Linear(2, 8, { generator: g }), new Tanh(), new Linear(8, 1, { generator: g }));
    expect(Object.keys(mlp.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    const x = tensor([[1, 2]]);
    const direct = mlp.at(2).forward(tanh(mlp.at(0).forward(x)));
    expect(mlp.forward(x).toArray()).toEqual(direct.toArray());
  });

  it('shared parameters appear once in parameters() and under each name in stateDict()', () => {
    class Tied extends Module {
      readonly a = new Linear(2, 2);
      readonly b = new Linear(2, 2);
      constructor() {
        super();
        (this.b as { weight: unknown }).weight = this.a.weight;
      }
      forward(x: Tensor): Tensor {
        return this.b.forward(this.a.forward(x));
      }
    }
    const t = new Tied();
    expect(t.parameters().length).toBe(3);
    expect(Object.keys(t.stateDict())).toEqual(['a.weight', 'a.bias', 'b.weight', 'b.bias']);
  });

  it('train()/eval() reach every submodule', () => {
    const net = new Net();
    net.eval();
    expect(net.namedModules().every(([, m]) => !m.training)).toBe(true);
    net.train();
    expect(net.layers[1].norm.training).toBe(true);
  });

  it('zeroGrad clears gradients', () => {
    const net = new Net();
    sum(net.forward(tensor([1, 2], undefined, 'int32'))).backward();
    expect(net.scale.grad).not.toBeNull();
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  });
});

describe('parameters on a backend that keeps them resident', () => {
  it('parameter() takes a resident copy, assign keeps it resident, and a stateDict snapshot keeps its values', () => {
    const kept = new WeakSet<object>();
    const resident = (handle: DataHandle): DataHandle => {
      const copy = (handle as TypedArray).slice();
      kept.add(copy);
      return copy;
    };
    registerBackend({ ...cpuBackend, name: 'cpu-keeps', resident, isResident: (handle) => kept.has(handle as object) });
    const value = tensor([1, 2, 3], undefined, { backend: 'cpu-keeps' });
    const p = parameter(value);
    expect(kept.has(p.handle as object) && p.handle !== value.handle && p.requiresGrad).toBe(true);
    expect(p.toArray()).toEqual([1, 2, 3]);
    const lin = new Linear(2, 2, { backend: 'cpu-keeps' });
    const snap = lin.stateDict();
    const before = snap.weight.toArray();
    lin.weight.assign(zeros([2, 2], { backend: 'cpu-keeps' }));
    expect(kept.has(lin.weight.handle as object)).toBe(true);
    expect(lin.weight.toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(snap.weight.toArray()).toEqual(before);
  });
});

describe('stateDict / loadStateDict', () => {
  it('round-trips into another instance, keeping parameter identity', () => {
    const a = new Net();
    const b = new Net();
    const weightBefore = b.layers[0].proj.weight;
    b.loadStateDict(a.stateDict());
    expect(b.layers[0].proj.weight).toBe(weightBefore);
    for (const [name, t] of Object.entries(a.stateDict())) expect(b.stateDict()[name].toArray()).toEqual(t.toArray());
  });

  it('stateDict is a snapshot that does not follow later updates', () => {
    const lin = new Linear(2, 2);
    const snap = lin.stateDict();
    const before = snap.weight.toArray();
    lin.weight.assign(zeros([2, 2]));
    expect(snap.weight.toArray()).toEqual(before);
  });

  it('strict mode lists missing and unexpected keys in a typed error and changes nothing', () => {
    const lin = new Linear(2, 3);
    const before = lin.weight.toArray();
    const state = { weight: zeros([3, 2]), extra: zeros([1]) };
    let err: unknown;
    try {
      lin.loadStateDict(state);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StateDictKeyError);
    expect((err as StateDictKeyError).code).toBe('INVALID_ARGUMENT');
    expect((err as StateDictKeyError).missingKeys).toEqual(['bias']);
    expect((err as StateDictKeyError).unexpectedKeys).toEqual(['extra']);
    expect((err as Error).message).toMatch(/missing keys: bias; unexpected keys: extra/);
    expect(lin.weight.toArray()).toEqual(before);
    const res = lin.loadStateDict(state, { strict: false });
    expect(res).toEqual({ missingKeys: ['bias'], unexpectedKeys: ['extra'] });
    expect(lin.weight.toArray()).toEqual(zeros([3, 2]).toArray());
  });

  it('shape mismatches are SHAPE_MISMATCH errors listing each tensor, even when not strict', () => {
    const lin = new Linear(2, 3);
    const state = { weight: zeros([2, 3]), bias: zeros([4]) };
    let err: unknown;
    try {
      lin.loadStateDict(state, { strict: false });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StateDictShapeError);
    expect((err as StateDictShapeError).code).toBe('SHAPE_MISMATCH');
    expect((err as StateDictShapeError).mismatches.map((m) => [m.key, [...m.expected], [...m.received]])).toEqual([
      ['weight', [3, 2], [2, 3]],
      ['bias', [3], [4]],
    ]);
    expect((err as Error).message).toMatch(/'weight' \(module \[3, 2\], state dict \[2, 3\]\)/);
  });

  it('converts dtypes when loading', () => {
    const lin = new Linear(1, 1);
    lin.loadStateDict({ weight: tensor([[0.5]], undefined, 'float64'), bias: tensor([2], undefined, 'float64') });
    expect(lin.weight.dtype).toBe('float32');
    expect(lin.forward(tensor([[4]])).toArray()).toEqual([[4]]);
  });
});

describe('layers', () => {
  it('Linear: [out, in] layout, y = x·Wᵀ + b, PyTorch init bounds 1/√in', () => {
    const lin = new Linear(16, 8, { generator: new Generator(5) });
    expect([...lin.weight.shape]).toEqual([8, 16]);
    const bound = 1 / Math.sqrt(16);
    expect(max(lin.weight).item()).toBeLessThanOrEqual(bound);
    expect(min(lin.weight).item()).toBeGreaterThanOrEqual(-bound);
    expect(max(lin.weight).item()).toBeGreaterThan(0.8 * bound);
  });

  it('Linear forward on batched inputs and seeding', () => {
    const lin = new Linear(3, 2, { generator: new Generator(0) });
    lin.loadStateDict({
      weight: tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      bias: tensor([10, 20]),
    });
    expect(lin.forward(tensor([[[1, 0, 1]], [[0, 1, 0]]])).toArray()).toEqual([[[14, 30]], [[12, 25]]]);
    const again = new Linear(3, 2, { generator: new Generator(7) });
    const same = new Linear(3, 2, { generator: new Generator(7) });
    expect(again.weight.toArray()).toEqual(same.weight.toArray());
    expect(() => lin.forward(ones([2, 4]))).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('Embedding looks up rows and accumulates gradients of repeated ids', () => {
    const emb = new Embedding(4, 2, { generator: new Generator(1) });
    const ids = tensor(
      [
        [1, 3],
        [1, 1],
      ],
      undefined,
      'int32',
    );
    const out = emb.forward(ids);
    expect([...out.shape]).toEqual([2, 2, 2]);
    const w = emb.weight.toArray() as number[][];
    expect((out.toArray() as number[][][])[0][1]).toEqual(w[3]);
    sum(out).backward();
    expect(emb.weight.grad?.toArray()).toEqual([
      [0, 0],
      [3, 3],
      [0, 0],
      [1, 1],
    ]);
  });

  it('Dropout is seeded, scales survivors by 1/(1-p), and is the identity in eval mode', () => {
    const x = ones([1000]);
    const a = new Dropout(0.3, { generator: new Generator(9) }).forward(x).dataSync();
    const b = new Dropout(0.3, { generator: new Generator(9) }).forward(x).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    const kept = Array.from(a).filter((v) => v !== 0);
    for (const v of kept) expect(v).toBeCloseTo(1 / 0.7, 5);
    expect(kept.length).toBeGreaterThan(620);
    expect(kept.length).toBeLessThan(780);
    const d = new Dropout(0.3).eval();
    expect(d.forward(x)).toBe(x);
    const xg = ones([50]).requiresGrad_();
    const drop = new Dropout(0.5, { generator: new Generator(1) });
    const y = drop.forward(xg);
    sum(y).backward();
    expect(Array.from(xg.grad!.dataSync())).toEqual(Array.from(y.dataSync()));
  });

  it('LayerNorm normalises the trailing dimensions', () => {
    const norm = new LayerNorm([2, 3]);
    const y = norm.forward(
      tensor([
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
      ]),
    );
    const v = y.dataSync();
    const sd = Math.sqrt(35 / 12 + 1e-5);
    const expected = [1, 2, 3, 4, 5, 6].map((x) => (x - 3.5) / sd);
    expected.forEach((e, i) => expect(v[i]).toBeCloseTo(e, 5));
    expect(() => norm.forward(ones([3, 2]))).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
