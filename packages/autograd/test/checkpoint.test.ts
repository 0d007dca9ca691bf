import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Generator, randn, readSafetensorsHeader } from '@seqlab/tensor-core';
import { decodeCheckpoint, encodeCheckpoint, Linear, loadCheckpoint, type Module, mseLoss, restoreCheckpoint, saveCheckpoint } from '@seqlab/autograd';
import { setup } from './checkpoint-setup.js';

// Lets one test make the second chunk write of a save fail, as a crash or a full disk would. The file helpers reach
// node:fs/promises through process.getBuiltinModule, which returns the one mutable module object patched here.
const io = { failOnWrite: 0, writes: 0 };
const fsp = process.getBuiltinModule('node:fs/promises') as typeof import('node:fs/promises');
const realOpen = fsp.open.bind(fsp);
vi.spyOn(fsp, 'open').mockImplementation(async (...args: Parameters<typeof fsp.open>) => {
  const handle = await realOpen(...args);
  const write = handle.write.bind(handle) as (...a: unknown[]) => Promise<{ bytesWritten: number }>;
  (handle as { write: unknown }).write = async (...a: unknown[]) => {
    io.writes++;
    if (io.failOnWrite > 0 && io.writes >= io.failOnWrite) throw new Error('injected write failure');
    return write(...a);
  };
  return handle;
});

const data = (() => {
  const g = new Generator(99);
  return Array.from({ length: 6 }, () => [randn([5, 4], { generator: g }), randn([5, 2], { generator: g })] as const);
})();

function trainSteps(s: ReturnType<typeof setup>, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    s.optimizer.zeroGrad();
    mseLoss(s.model.forward(data[i][0]), data[i][1]).backward();
    s.optimizer.step();
    s.scheduler.step();
  }
}

const snapshot = (m: Module): number[][] => m.parameters().map((p) => Array.from(p.dataSync()));

const dir = mkdtempSync(join(tmpdir(), 'seqlab-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('encode/decode', () => {
  it('stores PyTorch names, optimizer state by parameter name, and JSON metadata', () => {
    const s = setup(1);
    trainSteps(s, 0, 2);
    const rng = new Generator(5);
    rng.uniform();
    const bytes = encodeCheckpoint({ ...s, step: 2, rng, config: { hidden: 8 }, vocab: ['a', 'b'], metadata: { note: 'hi' } });
    const header = readSafetensorsHeader(bytes);
    const names = header.entries.map((e) => e.name);
    expect(names).toEqual(
      expect.arrayContaining(['fc.weight', 'fc.bias', 'head.weight', 'optimizer.state.fc.weight.exp_avg', 'optimizer.state.head.bias.exp_avg_sq']),
    );
    const ckpt = decodeCheckpoint(bytes);
    expect(Object.keys(ckpt.modelState).sort()).toEqual(['fc.bias', 'fc.weight', 'head.bias', 'head.weight']);
    expect(ckpt.step).toBe(2);
    expect(ckpt.config).toEqual({ hidden: 8 });
    expect(ckpt.vocab).toEqual(['a', 'b']);
    expect(ckpt.metadata.note).toBe('hi');
    expect(ckpt.optimizer?.type).toBe('AdamW');
    expect(ckpt.optimizer?.state['fc.weight'].step).toBe(2);
    expect(ckpt.optimizer?.paramGroups[0].params).toEqual(['fc.weight', 'fc.bias', 'head.weight', 'head.bias']);
    expect(ckpt.scheduler?.lastStep).toBe(2);
    expect(Generator.fromState(ckpt.rng!).uniform()).toBe(rng.clone().uniform());
    expect(() => encodeCheckpoint({ metadata: { step: 'x' } })).toThrow(/reserved/);
  });

  it('a restored run continues identically (model, optimizer state, schedule)', () => {
    const straight = setup(2);
    trainSteps(straight, 0, 6);

    const first = setup(2);
    trainSteps(first, 0, 3);
    const bytes = encodeCheckpoint({ ...first, step: 3 });
    const resumed = setup(7); // different initial weights: everything must come from the checkpoint
    restoreCheckpoint(decodeCheckpoint(bytes), resumed);
    trainSteps(resumed, 3, 6);
    expect(snapshot(resumed.model)).toEqual(snapshot(straight.model));
    expect(resumed.optimizer.paramGroups[0].lr).toBe(straight.optimizer.paramGroups[0].lr);
  });
});

describe('files', () => {
  it('save and load round trip, leaving no temporary files', async () => {
    const s = setup(3);
    trainSteps(s, 0, 2);
    const path = join(dir, 'roundtrip.safetensors');
    await saveCheckpoint(path, { ...s, step: 2 });
    expect(readdirSync(dir).filter((f) => f.includes('roundtrip'))).toEqual(['roundtrip.safetensors']);
    const target = setup(4);
    const ckpt = await loadCheckpoint(path, target);
    expect(ckpt.step).toBe(2);
    expect(snapshot(target.model)).toEqual(snapshot(s.model));
  });

  it('a save that fails midway leaves the previous checkpoint loadable and removes its temporary file', async () => {
    const path = join(dir, 'interrupted.safetensors');
    const old = setup(5);
    await saveCheckpoint(path, { model: old.model, step: 1 });
    const before = readFileSync(path);
    const big = new Linear(600, 600); // 1.4 MiB, so the save writes several chunks
    io.writes = 0;
    io.failOnWrite = 2;
    try {
      await expect(saveCheckpoint(path, { model: big, step: 2 })).rejects.toThrow('injected write failure');
    } finally {
      io.failOnWrite = 0;
    }
    expect(io.writes).toBe(2);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('interrupted'))).toEqual(['interrupted.safetensors']);
    const fresh = setup(6);
    const ckpt = await loadCheckpoint(path, { model: fresh.model });
    expect(ckpt.step).toBe(1);
    expect(snapshot(fresh.model)).toEqual(snapshot(old.model));
  });

  it('a truncated or corrupted file gives CHECKPOINT_CORRUPT', async () => {
    const path = join(dir, 'corrupt.safetensors');
    await saveCheckpoint(path, { model: setup(1).model, step: 3 });
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 10));
    await expect(loadCheckpoint(path)).rejects.toMatchObject({ code: 'CHECKPOINT_CORRUPT' });
    const garbled = Buffer.from(bytes);
    garbled[12] = 0x7b; // breaks the JSON header
    garbled[13] = 0x7b;
    writeFileSync(path, garbled);
    await expect(loadCheckpoint(path)).rejects.toMatchObject({ code: 'CHECKPOINT_CORRUPT' });
    writeFileSync(path, bytes);
    await expect(loadCheckpoint(path)).resolves.toMatchObject({ step: 3 });
  });

  it('bad metadata is CHECKPOINT_CORRUPT too', () => {
    const bytes = encodeCheckpoint({ model: setup(1).model, metadata: { extra: 'x' } });
    // Rewrite the 'extra' value into a step that is not a number, keeping the header length.
    const text = new TextDecoder().decode(bytes);
    const patched = new TextEncoder().encode(text.replace('"seqlab":"1"', '"step":"x1"'));
    expect(() => decodeCheckpoint(patched)).toThrowError(expect.objectContaining({ code: 'CHECKPOINT_CORRUPT' }));
  });
});
