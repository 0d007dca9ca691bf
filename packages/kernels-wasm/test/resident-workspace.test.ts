// The fused LSTM/GRU forward keeps its backward workspace in resident wasm memory: the backward reads it in place (no
// copy out after the forward, none back in for the backward), the op frees it once backward has gone through, and
// the gradients equal those of a run whose workspace went through ordinary arrays.
import { afterEach, describe, expect, it } from 'vitest';
import { Generator, mean, randn, square, type Tensor } from '@seqlab/tensor-core';
import { GRU, LSTM } from '@seqlab/recurrent';
import { wasmHeapStats } from '@seqlab/kernels-wasm';
import { runtime } from '../src/context.js';

afterEach(() => {
  runtime().resident.limitBytes = Infinity;
});

const T = 7,
  B = 5,
  I = 6,
  H = 24;

interface Run {
  grads: number[][];
  loss: number;
  /** Bytes copied in and out during the forward and the backward. */
  copiedIn: number;
  copiedOut: number;
  /** Resident bytes after the forward (workspace held) and after the backward (freed), relative to the start. */
  heldAfterForward: number;
  heldAfterBackward: number;
}

function run(kind: 'lstm' | 'gru', residentWorkspace: boolean): Run {
  runtime().resident.limitBytes = Infinity; // the parameters are resident in both runs
  const gen = new Generator(3);
  const options = { generator: gen, backend: 'wasm' };
  const layer = kind === 'lstm' ? new LSTM(I, H, options) : new GRU(I, H, options);
  const x = randn([T, B, I], options);
  x.requiresGrad = true;
  const params: Tensor[] = [...layer.parameters(), x];
  // Without room in the resident region beyond what is live now, the workspace goes through ordinary arrays.
  if (!residentWorkspace) runtime().resident.limitBytes = wasmHeapStats().residentBytes;
  const start = wasmHeapStats();
  const loss = mean(square(layer.forward(x).output));
  const afterForward = wasmHeapStats();
  loss.backward();
  const end = wasmHeapStats();
  return {
    grads: params.map((p) => Array.from(p.grad!.dataSync())),
    loss: loss.item(),
    copiedIn: end.bytesCopiedIn - start.bytesCopiedIn,
    copiedOut: end.bytesCopiedOut - start.bytesCopiedOut,
    heldAfterForward: afterForward.residentBytes - start.residentBytes,
    heldAfterBackward: end.residentBytes - start.residentBytes,
  };
}

/** Bytes of each workspace: the LSTM's gates [T·B, 4H] and three [T·B, H] state sequences; the GRU's [T·B, 4H] and one. */
const workspaceBytes = { lstm: (4 * H + 3 * H) * T * B * 4, gru: (4 * H + H) * T * B * 4 };

describe('resident recurrent workspace', () => {
  for (const kind of ['lstm', 'gru'] as const) {
    it(`${kind}: the backward reads the forward's workspace in place, the op frees it, and the gradients are unchanged`, () => {
      const copied = run(kind, false);
      const resident = run(kind, true);
      expect(resident.loss).toBe(copied.loss);
      expect(resident.grads).toEqual(copied.grads);
      // Held in wasm memory between the calls (64-byte rounding at most per block)...
      expect(resident.heldAfterForward).toBeGreaterThanOrEqual(workspaceBytes[kind]);
      expect(resident.heldAfterForward).toBeLessThan(workspaceBytes[kind] + 64 * 8);
      expect(copied.heldAfterForward).toBe(0);
      // ...neither copied out after the forward nor back in for the backward (the capped run also copies the
      // backward's scratch gradients, hence at least)...
      expect(copied.copiedOut - resident.copiedOut).toBeGreaterThanOrEqual(workspaceBytes[kind]);
      expect(copied.copiedIn - resident.copiedIn).toBeGreaterThanOrEqual(workspaceBytes[kind]);
      // ...and freed once backward has gone through the op.
      expect(resident.heldAfterBackward).toBeLessThanOrEqual(0);
    });
  }

  it('keeps no workspace for a forward without gradients', () => {
    const gen = new Generator(4);
    const lstm = new LSTM(I, H, { generator: gen, backend: 'wasm' });
    const x = randn([T, B, I], { generator: gen, backend: 'wasm' });
    for (const p of lstm.parameters()) p.requiresGrad = false;
    const start = wasmHeapStats();
    const { output } = lstm.forward(x);
    expect(wasmHeapStats().residentBytes).toBe(start.residentBytes);
    expect(output.shape).toEqual([T, B, H]);
  });
});
