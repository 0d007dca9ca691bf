// Resident storages: parameters and Adam moments kept in wasm memory between steps, read in place by kernels, right
// after memory grows, freed when dropped, equal to the staged path, and absent (copies as before) without shared memory.
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { Generator, matmul, randn, setFusedEnabled, tensor, zeros, zerosLike, type Tensor } from '@seqlab/tensor-core';
import { Adam, AdamW, backward, decodeCheckpoint, encodeCheckpoint, Linear, mseLoss, restoreCheckpoint, SGD, type Optimizer } from '@seqlab/autograd';
import { TransformerLM } from '@seqlab/attention';
import { adamStep, adamUpdate, wasmBackend, wasmHeapStats } from '@seqlab/kernels-wasm';
import { expectClose } from '@seqlab/test-utils/suites';
import { runtime, setRuntime } from '../src/context.js';
import { framed } from '../src/framed.js';
import { Heap } from '../src/heap.js';
import { kernelBytes, unshareMemoryImport } from '../src/module-bytes.js';
import { RESIDENT_LIMIT_BYTES, ResidentRegion } from '../src/resident.js';
import { Runtime } from '../src/runtime.js';

const isResident = (t: Tensor): boolean => runtime().resident.addressOf(t.handle as object) >= 0;

/** A Linear layer trained with `Optimizer` for `steps` steps on `backend`; returns the layer and its optimizer. */
function train(backend: string, steps: number, Optimizer: typeof Adam | typeof AdamW = Adam): { layer: Linear; opt: Optimizer<never> } {
  const layer = new Linear(24, 10, { generator: new Generator(2), backend });
  const x = randn([16, 24], { generator: new Generator(3), backend });
  const y = randn([16, 10], { generator: new Generator(4), backend });
  const opt = new Optimizer(layer.parameters(), { lr: 0.01, weightDecay: 0.05 });
  for (let step = 0; step < steps; step++) {
    opt.zeroGrad();
    backward(mseLoss(layer.forward(x), y));
    opt.step();
  }
  return { layer, opt: opt as unknown as Optimizer<never> };
}

describe('ResidentRegion', () => {
  const setup = (shared = true): { heap: Heap; region: ResidentRegion } => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1024, shared });
    const heap = new Heap(memory, 100);
    return { heap, region: new ResidentRegion(heap, 100, shared) };
  };

  it('keeps its views readable after memory grows, and the frames allocate above it', () => {
    const { heap, region } = setup();
    const a = region.allocF32(1000)!;
    a.set(Array.from({ length: 1000 }, (_, i) => i / 7));
    const expected = Array.from(a);
    const frameBlock = heap.alloc(40 * 65536); // grows memory well past its first page
    expect(heap.stats().grows).toBeGreaterThan(0);
    expect(frameBlock).toBeGreaterThanOrEqual(region.addressOf(a) + 4000);
    expect(Array.from(a)).toEqual(expected);
    // A block made after the growth is usable too, and kernels' writes at its address show through the old view.
    heap.reset();
    const b = region.allocF32(10)!;
    heap.f32.fill(2.5, region.addressOf(a) / 4, region.addressOf(a) / 4 + 3);
    expect(Array.from(a.subarray(0, 4))).toEqual([2.5, 2.5, 2.5, expected[3]]);
    expect(region.stats()).toMatchObject({ residentBlocks: 2, residentBytes: 4032 + 64 });
    expect(region.addressOf(b)).toBeGreaterThan(region.addressOf(a));
  });

  it('reuses freed gaps best-fit, merges neighbours, and hands a free top back to the frames', () => {
    const { heap, region } = setup();
    const [a, b, c] = [region.allocF32(16)!, region.allocF32(160)!, region.allocF32(16)!];
    const top = region.stats().residentRegionBytes;
    region.release(a);
    region.release(b); // merged with a's gap
    const base = 128; // 100 rounded up to 64 bytes
    expect(region.addressOf(region.allocF32(32)!)).toBe(base); // the merged gap, filled from its start
    expect(region.stats().residentRegionBytes).toBe(top);
    region.release(c);
    expect(region.stats().residentRegionBytes).toBeLessThan(top);
    // The frames' base follows the region's top down.
    expect(region.stats().residentRegionBytes).toBe(128);
    expect(heap.alloc(16)).toBe(base + 128);
    expect(region.release(new Float32Array(4))).toBe(false);
  });

  it('moves the frames base down at the next reset when it shrinks during a call', () => {
    const { heap, region } = setup();
    const a = region.allocF32(1000)!;
    const base = region.addressOf(a);
    const frameBlock = heap.alloc(64);
    expect(frameBlock).toBe(base + 4032); // 4000 bytes rounded up to 64
    region.release(a);
    expect(heap.alloc(64)).toBe(frameBlock + 64); // blocks of the open call stay where they are
    heap.reset();
    expect(heap.alloc(64)).toBe(base);
  });

  it('does not grow while a call frame holds blocks, and makes nothing resident without shared memory', () => {
    const { heap, region } = setup();
    heap.alloc(64);
    expect(region.allocF32(8)).toBeUndefined();
    heap.reset();
    expect(region.allocF32(8)).toBeInstanceOf(Float32Array);
    expect(setup(false).region.allocF32(8)).toBeUndefined();
  });
});

describe('resident parameters and moments', () => {
  it('parameters are resident from creation and after loadStateDict, so a forward pass copies in activations only', () => {
    const layer = new Linear(64, 32, { generator: new Generator(1), backend: 'wasm' });
    expect(isResident(layer.weight) && isResident(layer.bias!)).toBe(true);
    const x = randn([8, 64], { generator: new Generator(2), backend: 'wasm' });
    let before = wasmHeapStats().bytesCopiedIn;
    expect(layer.forward(x).shape).toEqual([8, 32]);
    // The fused Linear copies in the input only: 8·64 floats, not the 64·32 weight (the bias is added in the kernel).
    expect(wasmHeapStats().bytesCopiedIn - before).toBe(8 * 64 * 4);
    // Composed (matmul, then add): the input and (for the bias add) the product: 8·64 + 8·32 floats.
    const previous = setFusedEnabled(false);
    try {
      before = wasmHeapStats().bytesCopiedIn;
      expect(layer.forward(x).shape).toEqual([8, 32]);
      expect(wasmHeapStats().bytesCopiedIn - before).toBe((8 * 64 + 8 * 32) * 4);
    } finally {
      setFusedEnabled(previous);
    }
    const source = new Linear(64, 32, { generator: new Generator(3), backend: 'wasm' });
    layer.loadStateDict(source.stateDict());
    expect(isResident(layer.weight)).toBe(true);
    expect(Array.from(layer.weight.dataSync())).toEqual(Array.from(source.weight.dataSync()));
  });

  it('stays resident under SGD (assign keeps it) and in a TransformerLM initialised by assign, with the cpu values', () => {
    const baseline = wasmHeapStats().residentBytes;
    const run = (backend: string): Linear => {
      const layer = new Linear(24, 10, { generator: new Generator(2), backend });
      const x = randn([16, 24], { generator: new Generator(3), backend });
      const opt = new SGD(layer.parameters(), { lr: 0.1, momentum: 0.9 });
      for (let step = 0; step < 4; step++) {
        opt.zeroGrad();
        backward(mseLoss(layer.forward(x), zeros([16, 10], { backend })));
        opt.step();
      }
      return layer;
    };
    const onWasm = run('wasm');
    expect(isResident(onWasm.weight) && isResident(onWasm.bias!)).toBe(true);
    // Only the current weight and bias: each step's assign released the storage it replaced.
    expect(wasmHeapStats().residentBytes - baseline).toBe(Math.ceil((240 * 4) / 64) * 64 + 64);
    expectClose(onWasm.weight, run('cpu').weight.dataSync(), { rtol: 1e-5, atol: 1e-6 });
    const lm = TransformerLM.fromPreset('tiny', {}, { generator: new Generator(4), backend: 'wasm' });
    expect(lm.parameters().every(isResident)).toBe(true);
  });

  it('adamUpdate updates a resident parameter where it is: nothing copied back, the same values as a staged copy', () => {
    const layer = new Linear(24, 10, { generator: new Generator(2), backend: 'wasm' });
    const staged = tensor(Array.from(layer.weight.dataSync()), [10, 24], { backend: 'wasm' });
    const grad = randn([10, 24], { generator: new Generator(3), backend: 'wasm' });
    const moments = () => [zeros([10, 24], { backend: 'wasm' }), zeros([10, 24], { backend: 'wasm' })];
    const handle = layer.weight.handle;
    const before = wasmHeapStats().bytesCopiedOut;
    adamUpdate(layer.weight, grad, ...(moments() as [Tensor, Tensor]), { lr: 0.1, step: 1 });
    expect(wasmHeapStats().bytesCopiedOut - before).toBe(2 * 240 * 4); // the two moments, not the parameter
    adamUpdate(staged, grad, ...(moments() as [Tensor, Tensor]), { lr: 0.1, step: 1 });
    expect(layer.weight.handle).toBe(handle);
    expect(Array.from(layer.weight.dataSync())).toEqual(Array.from(staged.dataSync()));
  });

  it('adamStep returns resident storages that the next call reads without copying', () => {
    const param = randn([300], { generator: new Generator(1), backend: 'wasm' });
    const grad = randn([300], { generator: new Generator(2), backend: 'wasm' });
    const zero = zeros([300], { backend: 'wasm' });
    const hyper = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false, step: 1 };
    const first = adamStep(param, grad, zero, zero, hyper);
    const region = runtime().resident;
    for (const handle of Object.values(first)) expect(region.addressOf(handle as object)).toBeGreaterThan(0);
    const info = (handle: unknown) => ({ handle, shape: [300], dtype: 'float32' as const, size: 300 });
    const kept = Object.values(first).map((h) => Array.from(h as Float32Array));
    // A call that needs more memory than there is grows it: the resident views still read their values.
    const grows = wasmHeapStats().grows;
    framed('grow', () => void runtime().heap.alloc(runtime().memory.buffer.byteLength))();
    expect(wasmHeapStats().grows).toBeGreaterThan(grows);
    Object.values(first).forEach((h, i) => expect(Array.from(h as Float32Array)).toEqual(kept[i]));
    const before = wasmHeapStats().bytesCopiedIn;
    const second = adamStep(info(first.param), grad, info(first.expAvg), info(first.expAvgSq), { ...hyper, step: 2 });
    expect(wasmHeapStats().bytesCopiedIn - before).toBe(300 * 4); // only the gradient
    expect(wasmHeapStats().liveBlocks).toBe(0);
    // The same two steps on plain copies (adamUpdate, staged in and out) give the same values.
    const [p2, m2, v2] = [param, zero, zero].map((t) => tensor(Array.from(t.dataSync()), [300], { backend: 'wasm' }));
    for (const step of [1, 2]) adamUpdate(p2, grad, m2, v2, { ...hyper, step });
    expect(Array.from(second.param as Float32Array)).toEqual(Array.from(p2.dataSync()));
    expect(Array.from(second.expAvgSq as Float32Array)).toEqual(Array.from(v2.dataSync()));
    for (const handle of [...Object.values(first), ...Object.values(second)]) wasmBackend.release(handle);
  });

  it.each([
    ['Adam', Adam],
    ['AdamW', AdamW],
  ] as const)('%s keeps parameters and moments resident, with the values of the cpu composed path and flat resident memory', (_, Optimizer) => {
    const baseline = wasmHeapStats().residentBytes;
    const { layer, opt } = train('wasm', 6, Optimizer);
    const onCpu = train('cpu', 6, Optimizer);
    const params = layer.parameters();
    params.forEach((p, i) => {
      expect(isResident(p)).toBe(true);
      expectClose(p, onCpu.layer.parameters()[i].dataSync(), { rtol: 1e-5, atol: 1e-6 });
      const state = opt.stateOf(p);
      expect(isResident(state.exp_avg as Tensor)).toBe(true);
      expectClose(state.exp_avg_sq as Tensor, (onCpu.opt.stateOf(onCpu.layer.parameters()[i]).exp_avg_sq as Tensor).dataSync(), { rtol: 1e-5, atol: 1e-9 });
    });
    // Parameters and both moments, 64-byte rounded: every old storage was freed as the step replaced it.
    const held = params.reduce((n, p) => n + 3 * Math.ceil((p.size * 4) / 64) * 64, 0);
    expect(wasmHeapStats().residentBytes - baseline).toBe(held);
  });

  it('a snapshot (stateDict, stateOf, an optimizer state dict, also once loaded into another optimizer) keeps its values while training goes on', () => {
    const { layer, opt } = train('wasm', 2);
    const snap = layer.stateDict();
    const moments = opt.stateOf(layer.weight);
    const saved = opt.stateDict();
    const values = Array.from(snap.weight.dataSync());
    const m = Array.from((moments.exp_avg as Tensor).dataSync());
    const savedM = Array.from((saved.state[0].exp_avg as Tensor).dataSync());
    const x = randn([16, 24], { generator: new Generator(5), backend: 'wasm' });
    // A second optimizer resumes from the saved state: its steps release its own state, not the caller's tensors.
    const resumed = new Adam(train('wasm', 0).layer.parameters(), { lr: 0.01 });
    resumed.loadStateDict(saved);
    for (let step = 0; step < 2; step++) {
      opt.zeroGrad();
      backward(mseLoss(layer.forward(x), zeros([16, 10], { backend: 'wasm' })));
      opt.step();
      for (const p of resumed.params()) p.grad = zerosLike(p);
      resumed.step();
    }
    expect(Array.from(layer.weight.dataSync())).not.toEqual(values);
    expect(Array.from(snap.weight.dataSync())).toEqual(values);
    expect(Array.from((moments.exp_avg as Tensor).dataSync())).toEqual(m);
    expect(Array.from((saved.state[0].exp_avg as Tensor).dataSync())).toEqual(savedM);
  });

  it('a resident parameter changed from JS between steps is what the next kernel reads', () => {
    const { layer } = train('wasm', 1);
    expect(isResident(layer.weight)).toBe(true);
    const x = randn([3, 24], { generator: new Generator(6), backend: 'wasm' });
    // Written into the resident storage itself...
    const w = layer.weight.handle as Float32Array;
    w.fill(0);
    w[0] = 2;
    expect(Array.from(matmul(x, layer.weight, { transB: true }).dataSync()).filter((_, i) => i % 10 === 0)).toEqual(
      Array.from(x.dataSync())
        .filter((_, i) => i % 24 === 0)
        .map((v) => Math.fround(2 * v)),
    );
    // ...or replaced by assign, which copies the new values into a resident storage of their own.
    const ones = tensor(new Array(240).fill(1), [10, 24], { backend: 'wasm' });
    layer.weight.assign(ones);
    expect(isResident(layer.weight) && layer.weight.handle !== ones.handle).toBe(true);
    const rowSums = [0, 1, 2].map((r) =>
      Array.from(x.dataSync())
        .slice(r * 24, r * 24 + 24)
        .reduce((a, b) => a + b, 0),
    );
    expectClose(
      matmul(x, layer.weight, { transB: true }),
      rowSums.flatMap((s) => new Array(10).fill(s)),
      { rtol: 1e-5, atol: 1e-5 },
    );
  });

  it('a checkpoint of a resident run restores a run that continues identically', () => {
    const { layer, opt } = train('wasm', 3);
    const bytes = encodeCheckpoint({ model: layer, optimizer: opt });
    const restored = new Linear(24, 10, { generator: new Generator(9), backend: 'wasm' });
    const restoredOpt = new Adam(restored.parameters(), { lr: 0.5 });
    restoreCheckpoint(decodeCheckpoint(bytes), { model: restored, optimizer: restoredOpt });
    const x = randn([16, 24], { generator: new Generator(7), backend: 'wasm' });
    const y = randn([16, 10], { generator: new Generator(8), backend: 'wasm' });
    for (const [l, o] of [
      [layer, opt],
      [restored, restoredOpt],
    ] as const) {
      for (let step = 0; step < 2; step++) {
        o.zeroGrad();
        backward(mseLoss(l.forward(x), y));
        o.step();
      }
    }
    expect(Array.from(restored.weight.dataSync())).toEqual(Array.from(layer.weight.dataSync()));
    expect(isResident(restored.weight)).toBe(true);
  });

  it('stops making storages resident past its cap when kept views hold replaced ones, and trains on', () => {
    const region = runtime().resident;
    const cap = region.stats().residentBytes + 8192;
    const layer = new Linear(24, 10, { generator: new Generator(2), backend: 'wasm' });
    const reference = new Linear(24, 10, { generator: new Generator(2), backend: 'cpu' });
    const x = randn([16, 24], { generator: new Generator(3), backend: 'wasm' });
    const kept: Tensor[] = [];
    region.limitBytes = cap;
    try {
      for (const [l, input] of [
        [layer, x],
        [reference, x.to('cpu')],
      ] as const) {
        const opt = new Adam(l.parameters(), { lr: 0.01 });
        for (let step = 0; step < 12; step++) {
          kept.push(l.weight.view([240])); // a view that outlives the step keeps the replaced storage alive
          opt.zeroGrad();
          backward(mseLoss(l.forward(input), zeros([16, 10], { backend: l.weight.backendName })));
          opt.step();
          expect(region.stats().residentBytes).toBeLessThanOrEqual(cap);
        }
      }
    } finally {
      region.limitBytes = RESIDENT_LIMIT_BYTES;
    }
    expect(isResident(layer.weight)).toBe(false); // the cap was reached
    expectClose(layer.weight, reference.weight.dataSync(), { rtol: 1e-5, atol: 1e-6 });
    expect(kept).toHaveLength(24);
  });

  it('frees the resident memory of a model and optimizer that are dropped without dispose', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const collect = async (): Promise<void> => {
      for (let i = 0; i < 4; i++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 10)); // finalizers run between tasks
      }
    };
    await collect();
    const baseline = wasmHeapStats().residentBytes;
    (() => train('wasm', 3))();
    expect(wasmHeapStats().residentBytes).toBeGreaterThan(baseline);
    await collect();
    expect(wasmHeapStats().residentBytes).toBe(baseline);
  });
});

describe('without shared memory (a page that is not cross-origin isolated)', () => {
  it('trains with copies as before: nothing resident, same values as the resident run', () => {
    const shared = runtime();
    const plain = new Runtime(new WebAssembly.Module(unshareMemoryImport(kernelBytes()) as BufferSource), false);
    let params: Tensor[];
    setRuntime(plain);
    try {
      params = train('wasm', 4).layer.parameters();
      expect(plain.memory.buffer).not.toBeInstanceOf(SharedArrayBuffer);
      expect(plain.resident.stats().residentBytes).toBe(0);
      expect(plain.frame.copyStats().bytesCopiedIn).toBeGreaterThan(0);
      for (const p of params) expect(plain.resident.addressOf(p.handle as object)).toBe(-1);
      // Growing the unshared memory detaches its buffer; storages are JS arrays, so they are unaffected.
      framed('grow', () => void plain.heap.alloc(64 * 65536))();
      expect(params[0].dataSync().length).toBe(240);
    } finally {
      setRuntime(shared);
    }
    const resident = train('wasm', 4).layer.parameters();
    params.forEach((p, i) => expect(Array.from(p.dataSync())).toEqual(Array.from(resident[i].dataSync())));
  });
});
