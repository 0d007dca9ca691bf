// Outside Node (no process.getBuiltinModule, as in a browser or a Web Worker) the checkpoint file helpers throw
// UnsupportedRuntimeError naming the bytes-based function to use, and touch no file; the byte functions still work.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Generator, UnsupportedRuntimeError } from '@seqlab/tensor-core';
import { decodeCheckpoint, encodeCheckpoint, Linear, loadCheckpoint, saveCheckpoint, writeFileAtomic } from '@seqlab/autograd';

const proc = process as { getBuiltinModule?: typeof process.getBuiltinModule };
const getBuiltinModule = process.getBuiltinModule;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'seqlab-runtime-'));
  proc.getBuiltinModule = undefined;
});

afterEach(() => {
  proc.getBuiltinModule = getBuiltinModule;
  rmSync(dir, { recursive: true, force: true });
});

describe('checkpoint files in a runtime without Node built-ins', () => {
  it('saveCheckpoint throws UnsupportedRuntimeError naming encodeCheckpoint, and writes nothing', async () => {
    const model = new Linear(3, 2, { generator: new Generator(0) });
    const save = saveCheckpoint(join(dir, 'model.safetensors'), { model });
    await expect(save).rejects.toBeInstanceOf(UnsupportedRuntimeError);
    const message = expect.stringMatching(/^saveCheckpoint \(use encodeCheckpoint for bytes\)/);
    await expect(save).rejects.toMatchObject({ code: 'UNSUPPORTED_RUNTIME', message });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('loadCheckpoint and writeFileAtomic throw it too', async () => {
    const load = loadCheckpoint(join(dir, 'model.safetensors'));
    await expect(load).rejects.toMatchObject({ code: 'UNSUPPORTED_RUNTIME', message: expect.stringContaining('decodeCheckpoint') });
    await expect(writeFileAtomic(join(dir, 'x.bin'), new Uint8Array(4))).rejects.toBeInstanceOf(UnsupportedRuntimeError);
  });

  it('encodeCheckpoint and decodeCheckpoint need no Node built-in', () => {
    const model = new Linear(3, 2, { generator: new Generator(0) });
    const restored = decodeCheckpoint(encodeCheckpoint({ model, step: 7 }));
    expect(restored.step).toBe(7);
    expect(Array.from(restored.modelState.weight.dataSync())).toEqual(Array.from(model.weight.dataSync()));
  });
});
