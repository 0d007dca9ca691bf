// The wasm fused LSTM/GRU sequence kernels against the CPU ones (every output and gradient), and recurrent layers on wasm vs cpu.
import '@seqlab/autograd';
import { getThreads, setThreads, wasmBackend, wasmHeapStats, wasmThreadInfo } from '@seqlab/kernels-wasm';
import { GRU, LSTM } from '@seqlab/recurrent';
import {
  add,
  cpuBackend,
  getBackend,
  setBackend,
  Generator,
  mul,
  randn,
  sum,
  tensor,
  type DataHandle,
  type FusedRecurrentKernels,
  type LstmSequenceResult,
  type Shape,
  type Tensor,
  type TensorInfo,
} from '@seqlab/tensor-core';
import { describe, expect, it } from 'vitest';
import { expectClose } from '@seqlab/test-utils/suites';

const TOL = { rtol: 1e-4, atol: 1e-5 };

interface Case {
  name: string;
  T: number;
  B: number;
  I: number;
  H: number;
  bias: boolean;
  reverse: boolean;
  lengths: number[] | null;
}

// B and H not multiples of 4 exercise the one-lane tails; lengths below T leave whole steps with no valid sequence.
const cases: Case[] = [
  { name: 'full length', T: 5, B: 4, I: 8, H: 8, bias: true, reverse: false, lengths: null },
  { name: 'odd sizes', T: 4, B: 3, I: 5, H: 7, bias: true, reverse: false, lengths: null },
  { name: 'lengths', T: 6, B: 3, I: 5, H: 6, bias: true, reverse: false, lengths: [6, 2, 4] },
  { name: 'lengths, reverse', T: 6, B: 3, I: 5, H: 6, bias: true, reverse: true, lengths: [3, 6, 1] },
  { name: 'no bias, reverse', T: 5, B: 5, I: 3, H: 9, bias: false, reverse: true, lengths: null },
  { name: 'no bias, idle tail steps', T: 7, B: 2, I: 4, H: 5, bias: false, reverse: false, lengths: [3, 2] },
  { name: 'one unit, one sequence, one step', T: 1, B: 1, I: 1, H: 1, bias: true, reverse: false, lengths: null },
  { name: 'hidden wider than one matmul tile', T: 3, B: 2, I: 6, H: 70, bias: true, reverse: false, lengths: [3, 2] },
];

/** Float32 random values, identical for both backends. */
function values(g: Generator, shape: Shape, scale = 1): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = g.normal() * scale;
  return out;
}

type Inputs = Record<string, Float32Array>;

function inputsFor(c: Case, gates: number, seed: number): Inputs {
  const g = new Generator(seed);
  const { T, B, I, H } = c;
  const s = 1 / Math.sqrt(H);
  return {
    x: values(g, [T, B, I]),
    h0: values(g, [B, H], 0.5),
    c0: values(g, [B, H], 0.5),
    weightIh: values(g, [gates * H, I], s),
    weightHh: values(g, [gates * H, H], s),
    biasIh: values(g, [gates * H], s),
    biasHh: values(g, [gates * H], s),
    dOutput: values(g, [T, B, H]),
    dhN: values(g, [B, H]),
    dcN: values(g, [B, H]),
  };
}

function kernelsOf(backend: typeof cpuBackend): FusedRecurrentKernels {
  return backend.fused as unknown as FusedRecurrentKernels;
}

/** Tensors of `inputs` on the backend, as the kernels' arguments. */
function argsOn(backend: string, c: Case, inputs: Inputs, gates: number) {
  const { T, B, I, H } = c;
  const t = (name: string, shape: Shape): Tensor => tensor(inputs[name], shape, { backend });
  return {
    x: t('x', [T, B, I]),
    h0: t('h0', [B, H]),
    c0: t('c0', [B, H]),
    weightIh: t('weightIh', [gates * H, I]),
    weightHh: t('weightHh', [gates * H, H]),
    biasIh: c.bias ? t('biasIh', [gates * H]) : null,
    biasHh: c.bias ? t('biasHh', [gates * H]) : null,
    lengths: c.lengths === null ? null : Int32Array.from(c.lengths),
    reverse: c.reverse,
    dOutput: t('dOutput', [T, B, H]),
    dhN: t('dhN', [B, H]),
    dcN: t('dcN', [B, H]),
  };
}

function infoOf(handle: DataHandle, shape: Shape): TensorInfo {
  return { handle, shape, dtype: 'float32', size: shape.reduce((a, b) => a * b, 1) };
}

function read(backend: typeof cpuBackend, handle: DataHandle | null, size: number): Float32Array | null {
  return handle === null ? null : (backend.readSync(handle, 'float32', size) as Float32Array);
}

/** The values at valid steps only (the kernels leave the gate workspace unspecified at invalid ones). */
function validRows(data: Float32Array, c: Case, width: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < c.T; t++) {
    for (let b = 0; b < c.B; b++) {
      if (c.lengths !== null && t >= c.lengths[b]) continue;
      const o = (t * c.B + b) * width;
      for (let j = 0; j < width; j++) out.push(data[o + j]);
    }
  }
  return out;
}

function expectSame(name: string, actual: Float32Array | null, expected: Float32Array | null): void {
  if (expected === null) {
    expect(actual, name).toBeNull();
    return;
  }
  expect(actual, name).not.toBeNull();
  expect(actual!.length, name).toBe(expected.length);
  try {
    expectClose(actual!, expected, TOL);
  } catch (e) {
    throw new Error(`${name}: ${(e as Error).message}`);
  }
}

/** The workspace of an LSTM forward result as the backward kernel's `saved`. */
function lstmWorkspace(r: LstmSequenceResult, { T, B, H }: Case) {
  return {
    gates: infoOf(r.gates, [T, B, 4 * H]),
    cPrev: infoOf(r.cPrev, [T, B, H]),
    cellTanh: infoOf(r.cellTanh, [T, B, H]),
    hPrev: infoOf(r.hPrev, [T, B, H]),
  };
}

/** Forward and backward of the LSTM kernels on one backend, everything read back as arrays. */
function runLstm(backend: typeof cpuBackend, c: Case, inputs: Inputs, args = argsOn(backend.name, c, inputs, 4)): Record<string, Float32Array | null> {
  const { T, B, H } = c;
  const k = kernelsOf(backend);
  const r = k.lstmSequence(args);
  const saved = lstmWorkspace(r, c);
  const gr = k.lstmSequenceBackward({ ...args, saved });
  const seq = T * B * H;
  return {
    output: read(backend, r.output, seq),
    hN: read(backend, r.hN, B * H),
    cN: read(backend, r.cN, B * H),
    gates: Float32Array.from(validRows(read(backend, r.gates, seq * 4)!, c, 4 * H)),
    cPrev: read(backend, r.cPrev, seq),
    cellTanh: Float32Array.from(validRows(read(backend, r.cellTanh, seq)!, c, H)),
    hPrev: read(backend, r.hPrev, seq),
    dx: read(backend, gr.dx, T * B * c.I),
    dh0: read(backend, gr.dh0, B * H),
    dc0: read(backend, gr.dc0, B * H),
    dWeightIh: read(backend, gr.dWeightIh, 4 * H * c.I),
    dWeightHh: read(backend, gr.dWeightHh, 4 * H * H),
    dBiasIh: read(backend, gr.dBiasIh, 4 * H),
    dBiasHh: read(backend, gr.dBiasHh, 4 * H),
  };
}

/** Forward and backward of the GRU kernels on one backend. */
function runGru(backend: typeof cpuBackend, c: Case, inputs: Inputs, args = argsOn(backend.name, c, inputs, 3)): Record<string, Float32Array | null> {
  const { T, B, H } = c;
  const k = kernelsOf(backend);
  const r = k.gruSequence(args);
  const saved = { gates: infoOf(r.gates, [T, B, 4 * H]), hPrev: infoOf(r.hPrev, [T, B, H]) };
  const gr = k.gruSequenceBackward({ ...args, saved });
  const seq = T * B * H;
  return {
    output: read(backend, r.output, seq),
    hN: read(backend, r.hN, B * H),
    gates: Float32Array.from(validRows(read(backend, r.gates, seq * 4)!, c, 4 * H)),
    hPrev: read(backend, r.hPrev, seq),
    dx: read(backend, gr.dx, T * B * c.I),
    dh0: read(backend, gr.dh0, B * H),
    dWeightIh: read(backend, gr.dWeightIh, 3 * H * c.I),
    dWeightHh: read(backend, gr.dWeightHh, 3 * H * H),
    dBiasIh: read(backend, gr.dBiasIh, 3 * H),
    dBiasHh: read(backend, gr.dBiasHh, 3 * H),
  };
}

describe('wasm fused recurrent kernels vs the CPU ones', () => {
  it('the wasm backend offers all four under the FusedRecurrentKernels names', () => {
    for (const name of ['lstmSequence', 'lstmSequenceBackward', 'gruSequence', 'gruSequenceBackward']) {
      expect(typeof wasmBackend.fused?.[name], name).toBe('function');
    }
  });

  it.each(cases)('LSTM: $name', (c) => {
    const inputs = inputsFor(c, 4, 11);
    const wasm = runLstm(wasmBackend, c, inputs);
    const cpu = runLstm(cpuBackend, c, inputs);
    expect(Object.keys(wasm).sort()).toEqual(Object.keys(cpu).sort());
    for (const name of Object.keys(cpu)) expectSame(name, wasm[name], cpu[name]);
    if (c.lengths !== null) {
      // Outputs past a sequence's end are exactly 0 (wasm memory is not zeroed, so this is the kernel's doing).
      const out = wasm.output!;
      for (let t = 0; t < c.T; t++) {
        for (let b = 0; b < c.B; b++) {
          if (t < c.lengths[b]) continue;
          for (let j = 0; j < c.H; j++) expect(out[(t * c.B + b) * c.H + j]).toBe(0);
        }
      }
    }
  });

  it.each(cases)('GRU: $name', (c) => {
    const inputs = inputsFor(c, 3, 13);
    const wasm = runGru(wasmBackend, c, inputs);
    const cpu = runGru(cpuBackend, c, inputs);
    expect(Object.keys(wasm).sort()).toEqual(Object.keys(cpu).sort());
    for (const name of Object.keys(cpu)) expectSame(name, wasm[name], cpu[name]);
  });

  // Per-step products this large go to the worker pool with the step loop in TS; one thread keeps the loop in wasm.
  const large: Case[] = [
    {
      name: 'large steps, lengths, reverse',
      T: 4,
      B: 21,
      I: 9,
      H: 257,
      bias: true,
      reverse: true,
      lengths: [4, 1, 3, 4, 2, 4, 4, 3, 1, 4, 2, 2, 4, 3, 4, 1, 4, 4, 2, 3, 4],
    },
    { name: 'large steps, full length, no bias', T: 3, B: 22, I: 7, H: 258, bias: false, reverse: false, lengths: null },
    // One chunk of units per step: the first thread's range of chunks is empty, so it only ever takes the other's.
    { name: 'one chunk per step', T: 2, B: 4100, I: 2, H: 8, bias: true, reverse: false, lengths: null },
  ];
  const threaded = large.flatMap((c) => [1, 2].map((threads) => ({ ...c, threads })));
  it.each(threaded)('LSTM and GRU, $threads thread(s): $name', ({ threads, ...c }) => {
    const before = getThreads();
    setThreads(threads);
    try {
      // Node has shared memory, so two threads take the pooled step loop (StepProduct.shareable).
      expect(wasmThreadInfo()).toMatchObject({ threads, sharedMemory: true });
      const lstmInputs = inputsFor(c, 4, 19);
      const lstmWasm = runLstm(wasmBackend, c, lstmInputs);
      const lstmCpu = runLstm(cpuBackend, c, lstmInputs);
      for (const name of Object.keys(lstmCpu)) expectSame(`LSTM ${name}`, lstmWasm[name], lstmCpu[name]);
      const gruInputs = inputsFor(c, 3, 23);
      const gruWasm = runGru(wasmBackend, c, gruInputs);
      const gruCpu = runGru(cpuBackend, c, gruInputs);
      for (const name of Object.keys(gruCpu)) expectSame(`GRU ${name}`, gruWasm[name], gruCpu[name]);
    } finally {
      setThreads(before);
    }
  });

  // Inference (saveWorkspace: false) keeps two state rows instead of T and writes no gates: the results it returns
  // must be the training path's bit for bit, on one thread and on two, with lengths and in reverse.
  const inference = [...cases, ...large].flatMap((c) => [1, 2].map((threads) => ({ ...c, threads })));
  it.each(inference)("saveWorkspace false, $threads thread(s): $name gives the saving call's outputs and no workspace", ({ threads, ...c }) => {
    const before = getThreads();
    setThreads(threads);
    try {
      const k = kernelsOf(wasmBackend);
      const seqSize = c.T * c.B * c.H;
      const lstmArgs = argsOn('wasm', c, inputsFor(c, 4, 29), 4);
      const kept = k.lstmSequence(lstmArgs);
      const lean = k.lstmSequence({ ...lstmArgs, saveWorkspace: false });
      expect([lean.gates, lean.cPrev, lean.cellTanh, lean.hPrev]).toEqual([null, null, null, null]);
      expect(read(wasmBackend, lean.output, seqSize)).toEqual(read(wasmBackend, kept.output, seqSize));
      expect(read(wasmBackend, lean.hN, c.B * c.H)).toEqual(read(wasmBackend, kept.hN, c.B * c.H));
      expect(read(wasmBackend, lean.cN, c.B * c.H)).toEqual(read(wasmBackend, kept.cN, c.B * c.H));
      const gruArgs = argsOn('wasm', c, inputsFor(c, 3, 31), 3);
      const gruKept = k.gruSequence(gruArgs);
      const gruLean = k.gruSequence({ ...gruArgs, saveWorkspace: false });
      expect([gruLean.gates, gruLean.hPrev]).toEqual([null, null]);
      expect(read(wasmBackend, gruLean.output, seqSize)).toEqual(read(wasmBackend, gruKept.output, seqSize));
      expect(read(wasmBackend, gruLean.hN, c.B * c.H)).toEqual(read(wasmBackend, gruKept.hN, c.B * c.H));
    } finally {
      setThreads(before);
    }
  });

  it('copies out only the output and final states without the workspace; the backward copies in nothing but its inputs', () => {
    const c = large[1];
    const { T, B, H } = c;
    const k = kernelsOf(wasmBackend);
    const args = argsOn('wasm', c, inputsFor(c, 4, 37), 4);
    const copied = (run: () => void): { in: number; out: number } => {
      const before = wasmHeapStats();
      run();
      const after = wasmHeapStats();
      return { in: after.bytesCopiedIn - before.bytesCopiedIn, out: after.bytesCopiedOut - before.bytesCopiedOut };
    };
    expect(copied(() => k.lstmSequence({ ...args, saveWorkspace: false })).out).toBe((T * B * H + 2 * B * H) * 4);
    const r = k.lstmSequence(args);
    const saved = lstmWorkspace(r, c);
    const backwardArgs = { ...args, saved };
    const inputs = [
      args.x,
      args.h0,
      args.c0,
      args.weightIh,
      args.weightHh,
      args.biasIh,
      args.biasHh,
      args.dOutput,
      args.dhN,
      args.dcN,
      ...Object.values(saved),
    ];
    const inputBytes = inputs.reduce((sum, t) => sum + (t === null ? 0 : t.size * 4), 0);
    // The [T·B, 4H] gate-gradient scratch lives in a resident block: staging it would add T·B·4H·4 bytes.
    expect(copied(() => k.lstmSequenceBackward(backwardArgs)).in).toBeLessThanOrEqual(inputBytes);
  });

  it.each([
    ['LSTM', 4],
    ['GRU', 3],
  ] as const)('%s: a NaN input propagates through the gate nonlinearities (no gate saturates it away)', (kind, gates) => {
    const c = cases[0];
    const inputs = inputsFor(c, gates, 41);
    inputs.x[0] = Number.NaN;
    const args = argsOn('wasm', c, inputs, gates);
    const k = kernelsOf(wasmBackend);
    const hN = read(wasmBackend, kind === 'LSTM' ? k.lstmSequence(args).hN : k.gruSequence(args).hN, c.B * c.H)!;
    // Sequence 0 read the NaN at step 0; the recurrent product carries it into every unit of its state. The others never see it.
    for (let j = 0; j < c.H; j++) expect(hN[j], `unit ${j}`).toBeNaN();
    expect(hN.subarray(c.H).every(Number.isFinite)).toBe(true);
  });

  it('rejects float64 sequences with DTYPE_MISMATCH (the wasm kernels compute in float32)', () => {
    const c = cases[0];
    const args = argsOn('wasm', c, inputsFor(c, 4, 3), 4);
    const x64: TensorInfo = { handle: new Float64Array(c.T * c.B * c.I), shape: [c.T, c.B, c.I], dtype: 'float64', size: c.T * c.B * c.I };
    const k = kernelsOf(wasmBackend);
    expect(() => k.lstmSequence({ ...args, x: x64 })).toThrow(expect.objectContaining({ code: 'DTYPE_MISMATCH' }));
    expect(() => k.gruSequence({ ...args, x: x64 })).toThrow(/argument 'x' must be float32/);
  });

  it('leaves its inputs unchanged, forward and backward', () => {
    const c = cases[3];
    const lstmInputs = inputsFor(c, 4, 17),
      gruInputs = inputsFor(c, 3, 17);
    const lstmArgs = argsOn('wasm', c, lstmInputs, 4),
      gruArgs = argsOn('wasm', c, gruInputs, 3);
    const snapshot = (a: ReturnType<typeof argsOn>): number[][] =>
      [a.x, a.h0, a.c0, a.weightIh, a.weightHh, a.biasIh!, a.biasHh!, a.dOutput, a.dhN, a.dcN].map((t) => Array.from(t.dataSync()));
    const before = [snapshot(lstmArgs), snapshot(gruArgs)];
    runLstm(wasmBackend, c, lstmInputs, lstmArgs);
    runGru(wasmBackend, c, gruInputs, gruArgs);
    expect([snapshot(lstmArgs), snapshot(gruArgs)]).toEqual(before);
  });
});

type Layer = LSTM | GRU;

/** Outputs, final states and every gradient of a weighted loss through the layer (built on `backend`). */
function layerRun(kind: 'LSTM' | 'GRU', backend: string, lengths: number[] | null): Record<string, Tensor | null> {
  const g = new Generator(21);
  const [T, B, I, H] = [7, 3, 6, 10];
  const init = (shape: Shape): Tensor => tensor(values(g, shape, 0.3), shape, { backend });
  const Ctor = kind === 'LSTM' ? LSTM : GRU;
  // Layers place their parameters on the active backend; the same generator seed gives both the same weights.
  const previous = getBackend().name;
  setBackend(backend);
  let layer: Layer;
  try {
    layer = new Ctor(I, H, { numLayers: 2, bidirectional: true, generator: new Generator(5) });
  } finally {
    setBackend(previous);
  }
  const x = init([T, B, I]).requiresGrad_();
  const h0 = init([4, B, H]).requiresGrad_();
  const c0 = init([4, B, H]).requiresGrad_();
  const r = layer instanceof LSTM ? layer.forward(x, { h0, c0, lengths }) : layer.forward(x, { h0, lengths });
  const weight = (t: Tensor): Tensor => init([...t.shape]);
  let loss = add(sum(mul(r.output, weight(r.output))), sum(mul(r.hN, weight(r.hN))));
  if ('cN' in r) loss = add(loss, sum(mul(r.cN, weight(r.cN))));
  loss.backward();
  const out: Record<string, Tensor | null> = { output: r.output, hN: r.hN, x: x.grad, h0: h0.grad };
  if ('cN' in r) Object.assign(out, { cN: r.cN, c0: c0.grad });
  for (const [name, p] of layer.namedParameters()) {
    out[name] = p.grad;
    out[`${name}.value`] = p;
  }
  return out;
}

describe('@seqlab/recurrent layers on the wasm backend match the CPU backend', () => {
  it('a layer direction on wasm runs as the fused op', () => {
    const previous = getBackend().name;
    setBackend('wasm');
    try {
      const x = randn([5, 2, 3], { generator: new Generator(1) });
      expect((new LSTM(3, 4).forward(x).output.gradNode as { name: string }).name).toBe('lstmSequence');
      expect((new GRU(3, 4).forward(x).output.gradNode as { name: string }).name).toBe('gruSequence');
      expect(x.backendName).toBe('wasm');
    } finally {
      setBackend(previous);
    }
  });

  it.each([
    ['LSTM', null],
    ['LSTM', [7, 2, 5]],
    ['GRU', null],
    ['GRU', [3, 7, 1]],
  ] as const)('%s, lengths %j', (kind, lengths) => {
    const cpu = layerRun(kind, 'cpu', lengths === null ? null : [...lengths]);
    const wasm = layerRun(kind, 'wasm', lengths === null ? null : [...lengths]);
    expect(Object.keys(wasm).sort()).toEqual(Object.keys(cpu).sort());
    for (const [name, expected] of Object.entries(cpu)) {
      const actual = wasm[name];
      expect(actual?.backendName, name).toBe('wasm');
      try {
        expectClose(actual!.dataSync(), expected!.dataSync(), TOL);
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`);
      }
    }
  });
});
