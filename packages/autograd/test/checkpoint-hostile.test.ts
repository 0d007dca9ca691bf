// Hostile and careless checkpoints: prototype pollution vectors through every loading path, metadata validation and
// a metadata fuzz, and header-first reads of files over 2 GiB.
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import {
  bytesSource,
  CheckpointCorruptError,
  decodeSafetensors,
  decodeSafetensorsFrom,
  encodeSafetensors,
  Generator,
  randn,
  readSafetensorsHeaderFrom,
  readSafetensorsTensor,
  tensor,
  type Tensor,
} from '@seqlab/tensor-core';
import {
  checkCheckpointHeader,
  decodeCheckpoint,
  encodeCheckpoint,
  loadCheckpoint,
  mseLoss,
  openSafetensorsFile,
  readCheckpointHeader,
  restoreCheckpoint,
  type Checkpoint,
} from '@seqlab/autograd';
import { setup as trainingSetup } from './checkpoint-setup.js';

/** The shared net, optimizer and schedule, plus a generator to restore random state into. */
function setup(seed: number) {
  return { ...trainingSetup(seed), generator: new Generator(seed + 100) };
}

/** A trained checkpoint with every part: model, AdamW state, scheduler, step, rng, config and vocabulary. */
function validCheckpoint(): Uint8Array {
  const s = setup(1);
  const g = new Generator(9);
  for (let i = 0; i < 2; i++) {
    s.optimizer.zeroGrad();
    mseLoss(s.model.forward(randn([5, 4], { generator: g })), randn([5, 2], { generator: g })).backward();
    s.optimizer.step();
    s.scheduler.step();
  }
  return encodeCheckpoint({ ...s, step: 2, rng: s.generator, config: { hidden: 4, layers: [1, 2] }, vocab: ['a', 'b'] });
}

const VALID = validCheckpoint();

/** Re-encodes `bytes` after `edit` changed its tensors (a null-prototype record) or metadata strings. */
function rewrite(bytes: Uint8Array, edit: (tensors: Record<string, Tensor>, metadata: Record<string, string>) => void): Uint8Array {
  const { tensors, metadata } = decodeSafetensors(bytes, { backend: 'cpu' });
  const copy: Record<string, string> = Object.fromEntries(Object.entries(metadata));
  edit(tensors, copy);
  return encodeSafetensors(tensors, copy);
}

/** A copy of `bytes` whose header labels F32 tensor `name` as I32 (same length: the data is left as it is). */
function relabel(bytes: Uint8Array, name: string): Uint8Array {
  const from = new TextEncoder().encode(`${JSON.stringify(name)}:{"dtype":"F32"`);
  const out = bytes.slice();
  const at = Buffer.from(out.buffer, out.byteOffset, out.byteLength).indexOf(from);
  expect(at).toBeGreaterThan(0);
  out[at + from.length - 4] = 'I'.charCodeAt(0);
  return out;
}

/** Rewrites one JSON metadata value through `edit` (which receives the parsed value and returns the new one). */
function editJson(bytes: Uint8Array, key: string, edit: (value: any) => unknown): Uint8Array {
  return rewrite(bytes, (_, metadata) => {
    metadata[key] = JSON.stringify(edit(JSON.parse(metadata[key])));
  });
}

const prototypes = [Object.prototype, Array.prototype, Function.prototype, String.prototype];
const ownNamesBefore = prototypes.map((p) => Object.getOwnPropertyNames(p).sort());

/** Fails when any key reached a shared prototype. */
function expectUnpolluted(): void {
  prototypes.forEach((p, i) => expect(Object.getOwnPropertyNames(p).sort()).toEqual(ownNamesBefore[i]));
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

afterEach(expectUnpolluted);

const dir = mkdtempSync(join(tmpdir(), 'seqlab-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const metadataOf = (bytes: Uint8Array): Record<string, string> => decodeSafetensors(bytes, { backend: 'cpu' }).metadata;
const optimizerJson = (bytes: Uint8Array): string => metadataOf(bytes).optimizer;

/** JSON members that would reach a prototype if merged with Object.assign or walked as a path. */
const POISON = '"__proto__":{"polluted":1}';
const CONSTRUCTOR_POISON = '"constructor":{"prototype":{"polluted":1}}';

/** Known pollution vectors: tensor names and metadata JSON with `__proto__`, `constructor.prototype` and `prototype`. */
const VECTORS: [string, Uint8Array][] = [
  ['model tensor __proto__', rewrite(VALID, (t) => (t['__proto__'] = tensor([1, 2])))],
  ['model tensor constructor.prototype.polluted', rewrite(VALID, (t) => (t['constructor.prototype.polluted'] = tensor([1])))],
  ['model tensor prototype', rewrite(VALID, (t) => (t.prototype = tensor([1])))],
  ['optimizer tensor for parameter __proto__', rewrite(VALID, (t) => (t['optimizer.state.__proto__.polluted'] = tensor([1])))],
  ['optimizer tensor field __proto__', rewrite(VALID, (t) => (t['optimizer.state.fc.weight.__proto__'] = tensor([1])))],
  ['optimizer tensor for constructor.prototype', rewrite(VALID, (t) => (t['optimizer.state.constructor.prototype.polluted'] = tensor([1])))],
  [
    'optimizer groups listing __proto__ with its state',
    rewrite(VALID, (t, m) => {
      const o = JSON.parse(m.optimizer);
      o.paramGroups[0].params.push('__proto__', 'constructor', 'prototype');
      m.optimizer = JSON.stringify(o).replace('"scalars":{', '"scalars":{"__proto__":{"step":2},"constructor":{"step":2},');
      for (const n of ['__proto__', 'constructor']) {
        t[`optimizer.state.${n}.exp_avg`] = tensor([1]);
        t[`optimizer.state.${n}.exp_avg_sq`] = tensor([1]);
      }
    }),
  ],
  ['optimizer scalars with __proto__', rewrite(VALID, (_, m) => (m.optimizer = m.optimizer.replace('"scalars":{', '"scalars":{"__proto__":{"polluted":1},')))],
  ['optimizer group with __proto__', rewrite(VALID, (_, m) => (m.optimizer = m.optimizer.replace('"paramGroups":[{', `"paramGroups":[{${POISON},`)))],
  ['optimizer with constructor.prototype', rewrite(VALID, (_, m) => (m.optimizer = m.optimizer.replace('{"type"', `{${CONSTRUCTOR_POISON},"type"`)))],
  ['config with __proto__', rewrite(VALID, (_, m) => (m.config = '{"__proto__":{"polluted":true},"hidden":4}'))],
  ['nested config with __proto__', rewrite(VALID, (_, m) => (m.config = '{"a":[{"b":{"__proto__":{"polluted":true}}}]}'))],
  ['scheduler with __proto__', rewrite(VALID, (_, m) => (m.scheduler = m.scheduler.replace('{', '{"__proto__":{"polluted":1},')))],
  ['rng with __proto__', rewrite(VALID, (_, m) => (m.rng = m.rng.replace('{', '{"__proto__":{"polluted":1},')))],
  ['vocab with constructor.prototype', rewrite(VALID, (_, m) => (m.vocab = '{"constructor":{"prototype":{"polluted":1}}}'))],
  ['metadata key __proto__', rewrite(VALID, (_, m) => Object.defineProperty(m, '__proto__', { value: '{"polluted":1}', enumerable: true }))],
];

/** Runs a load; returns the checkpoint, or null after asserting that the error is CHECKPOINT_CORRUPT. */
async function loadOrCorrupt(load: () => Checkpoint | Promise<Checkpoint>): Promise<Checkpoint | null> {
  try {
    return await load();
  } catch (err) {
    expect(err, String(err)).toBeInstanceOf(CheckpointCorruptError);
    return null;
  } finally {
    expectUnpolluted();
  }
}

describe('prototype pollution: no key from a file reaches a prototype, on any loading path', () => {
  it.each(VECTORS)('%s', async (_, bytes) => {
    const path = join(dir, 'vector.safetensors');
    writeFileSync(path, bytes);
    // The safetensors layer keeps every name as data.
    const decoded = decodeSafetensors(bytes);
    const streamed = await decodeSafetensorsFrom(bytesSource(bytes));
    expect(Object.keys(streamed.tensors).sort()).toEqual(Object.keys(decoded.tensors).sort());
    expectUnpolluted();
    const fromBytes = await loadOrCorrupt(() => decodeCheckpoint(bytes));
    const fromFile = await loadOrCorrupt(() => loadCheckpoint(path));
    expect(fromFile === null).toBe(fromBytes === null);
    let headerError: unknown = null;
    try {
      checkCheckpointHeader((await readCheckpointHeader(path)).header);
    } catch (err) {
      headerError = err;
    }
    expect(headerError === null).toBe(fromBytes !== null);
    if (fromBytes === null) return;
    // A name like __proto__ stays in the model state as data instead of dropping out of it.
    for (const name of Object.keys(decoded.tensors).filter((n) => !n.startsWith('optimizer.state.'))) {
      expect(Object.hasOwn(fromBytes.modelState, name), name).toBe(true);
    }
    // Restoring into a model checks names against the model's own parameters: a foreign name is refused, and data
    // such as a vocabulary key 'constructor' loads as data.
    const target = setup(2);
    const own = new Set(Object.keys(target.model.stateDict()));
    const foreign = Object.keys(fromBytes.modelState).some((n) => !own.has(n)) || Object.keys(fromBytes.optimizer?.state ?? {}).some((n) => !own.has(n));
    const typed = expect.objectContaining({ code: expect.stringMatching(/CHECKPOINT_CORRUPT|INVALID_ARGUMENT/) });
    if (foreign) {
      expect(() => restoreCheckpoint(fromBytes, target)).toThrow(typed);
      await expect(loadCheckpoint(path, setup(3))).rejects.toThrow(typed);
    } else {
      restoreCheckpoint(fromBytes, target);
      await loadCheckpoint(path, setup(3));
    }
  });

  it('a tensor named __proto__ is kept as data by decodeCheckpoint', () => {
    const ckpt = decodeCheckpoint(VECTORS[0][1]);
    expect(Object.getOwnPropertyDescriptor(ckpt.modelState, '__proto__')?.value.toArray()).toEqual([1, 2]);
  });
});

describe('metadata is validated before use, naming the field', () => {
  const corrupt = (pattern: RegExp) => expect.objectContaining({ code: 'CHECKPOINT_CORRUPT', message: expect.stringMatching(pattern) });

  it('a missing optimizer field (a moment tensor or the step count) is CHECKPOINT_CORRUPT, not zeros', () => {
    const noMoment = rewrite(VALID, (t) => delete t['optimizer.state.fc.weight.exp_avg']);
    const lacking = /optimizer state of 'fc\.weight' must hold .*exp_avg.*; it holds numbers \[step\] and tensors \[exp_avg_sq\]/;
    expect(() => decodeCheckpoint(noMoment)).toThrow(corrupt(lacking));
    const noStep = editJson(VALID, 'optimizer', (o) => ({ ...o, scalars: {} }));
    expect(() => decodeCheckpoint(noStep)).toThrow(corrupt(/must hold numbers \[step\]/));
    const amsgrad = editJson(VALID, 'optimizer', (o) => ({ ...o, paramGroups: [{ ...o.paramGroups[0], amsgrad: true }] }));
    expect(() => decodeCheckpoint(amsgrad)).toThrow(corrupt(/max_exp_avg_sq/));
  });

  it('a float weight relabelled I32 loads as int32 but never into a float parameter', async () => {
    const relabelled = relabel(VALID, 'fc.weight');
    const ckpt = decodeCheckpoint(relabelled);
    expect(ckpt.modelState['fc.weight'].dtype).toBe('int32');
    const target = setup(4);
    const before = target.model.fc.weight.toArray();
    expect(() => restoreCheckpoint(ckpt, target)).toThrow(corrupt(/tensor 'fc\.weight' holds int32; the model's parameter is float32/));
    expect(target.model.fc.weight.toArray()).toEqual(before);
    // Optimizer state relabelled the same way is caught without a model.
    const state = relabel(VALID, 'optimizer.state.fc.bias.exp_avg');
    expect(() => decodeCheckpoint(state)).toThrow(corrupt(/must hold floats; received int32/));
  });

  it.each([
    ['step 1.5', rewrite(VALID, (_, m) => (m.step = '1.5')), /metadata 'step' must be a non-negative integer/],
    ['step -1', rewrite(VALID, (_, m) => (m.step = '-1')), /metadata 'step'/],
    ['optimizer not JSON', rewrite(VALID, (_, m) => (m.optimizer = '{')), /metadata 'optimizer' is not valid JSON/],
    ['no type', editJson(VALID, 'optimizer', (o) => ({ ...o, type: 3 })), /'optimizer\.type'/],
    ['empty groups', editJson(VALID, 'optimizer', (o) => ({ ...o, paramGroups: [] })), /'optimizer\.paramGroups' must be a non-empty list/],
    ['lr a string', editJson(VALID, 'optimizer', (o) => ({ ...o, paramGroups: [{ ...o.paramGroups[0], lr: '0.1' }] })), /'optimizer\.paramGroups\[0\]\.lr'/],
    ['lr infinite', rewrite(VALID, (_, m) => (m.optimizer = m.optimizer.replace(/"lr":[^,]+/, '"lr":1e999'))), /paramGroups\[0\]\.lr' must be a finite number/],
    ['a parameter twice', editJson(VALID, 'optimizer', (o) => ({ ...o, paramGroups: [{ ...o.paramGroups[0], params: ['fc.weight', 'fc.weight'] }] })), /twice/],
    ['step scalar 2.5', editJson(VALID, 'optimizer', (o) => ({ ...o, scalars: { 'fc.weight': { step: 2.5 } } })), /weight\.step' must be a non-negative/],
    ['state for an unknown name', editJson(VALID, 'optimizer', (o) => ({ ...o, scalars: { ...o.scalars, ghost: { step: 1 } } })), /state for 'ghost'/],
    ['scheduler lastStep -2', editJson(VALID, 'scheduler', (s) => ({ ...s, lastStep: -2 })), /'scheduler\.lastStep'/],
    ['scheduler negative lr', editJson(VALID, 'scheduler', (s) => ({ ...s, baseLrs: [-1] })), /'scheduler\.baseLrs'/],
    ['scheduler lrs per group', editJson(VALID, 'scheduler', (s) => ({ ...s, baseLrs: [0.1, 0.1] })), /2 learning rates; the optimizer has 1/],
    ['rng not a state', editJson(VALID, 'rng', () => ({ s: 'x' })), /metadata 'rng' is not a generator state/],
    [
      'state of another shape',
      rewrite(VALID, (t) => (t['optimizer.state.fc.bias.exp_avg'] = tensor([1, 2, 3]))),
      /'optimizer\.state\.fc\.bias\.exp_avg' has shape \[3\]; parameter 'fc\.bias' has \[8\]/,
    ],
  ])('%s', (_, bytes, pattern) => {
    expect(() => decodeCheckpoint(bytes)).toThrow(corrupt(pattern));
  });

  it('hyper-parameters must match the optimizer being restored: no extra, missing or retyped keys', () => {
    const extra = decodeCheckpoint(editJson(VALID, 'optimizer', (o) => ({ ...o, paramGroups: [{ ...o.paramGroups[0], momentum: 0.9 }] })));
    expect(() => restoreCheckpoint(extra, setup(5))).toThrow(corrupt(/'optimizer\.paramGroups\[0\]\.momentum' must be a undefined/));
    const missing = decodeCheckpoint(editJson(VALID, 'optimizer', (o) => ({ ...o, paramGroups: [{ ...o.paramGroups[0], eps: undefined }] })));
    expect(() => restoreCheckpoint(missing, setup(5))).toThrow(corrupt(/paramGroups\[0\]\.eps/));
    const retyped = decodeCheckpoint(editJson(VALID, 'optimizer', (o) => ({ ...o, paramGroups: [{ ...o.paramGroups[0], amsgrad: 0 }] })));
    expect(() => restoreCheckpoint(retyped, setup(5))).toThrow(corrupt(/paramGroups\[0\]\.amsgrad' must be a boolean/));
    const outOfRange = decodeCheckpoint(editJson(VALID, 'optimizer', (o) => ({ ...o, paramGroups: [{ ...o.paramGroups[0], betas: [0.9, 1.5] }] })));
    expect(() => restoreCheckpoint(outOfRange, setup(5))).toThrow(corrupt(/betas\[1\]/));
  });

  it('fuzz: random mutations of valid metadata give an equal load or CheckpointCorruptError, never anything else', () => {
    const evil = fc.oneof(
      fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, 2 ** 53, 1e300, -0.0, '', 'x', '__proto__', [], {}, [1, 2], { polluted: 1 }),
      fc.integer({ min: -5, max: 10 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const mutation = fc.record({
      key: fc.constantFrom('optimizer', 'scheduler', 'step', 'rng', 'config', 'vocab', 'format'),
      path: fc.array(fc.nat(), { maxLength: 4 }),
      op: fc.constantFrom('set', 'delete', 'add', 'raw'),
      name: fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra', 'lr', 'step', 'type'),
      value: evil,
    });
    type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

    function apply(metadata: Record<string, string>, m: Mutation): void {
      if (m.op === 'raw' || !Object.hasOwn(metadata, m.key)) {
        metadata[m.key] = typeof m.value === 'string' ? m.value : (JSON.stringify(m.value) ?? '');
        return;
      }
      let root: unknown;
      try {
        root = JSON.parse(metadata[m.key]);
      } catch {
        return;
      }
      // Walk down by the path's indices, then change the value found there.
      let parent: any = null;
      let at: string | number = '';
      let node: any = root;
      for (const i of m.path) {
        if (typeof node !== 'object' || node === null) break;
        const keys = Object.keys(node);
        if (keys.length === 0) break;
        parent = node;
        at = Array.isArray(node) ? i % node.length : keys[i % keys.length];
        node = node[at];
      }
      const isObject = typeof node === 'object' && node !== null && !Array.isArray(node);
      if (m.op === 'add' && isObject) Object.defineProperty(node, m.name, { value: m.value, enumerable: true });
      else if (parent === null) root = m.op === 'delete' ? undefined : m.value;
      else if (m.op === 'delete') Array.isArray(parent) ? parent.splice(at as number, 1) : delete parent[at];
      else parent[at] = m.value;
      if (root === undefined) delete metadata[m.key];
      else metadata[m.key] = JSON.stringify(root);
    }

    const original = decodeCheckpoint(VALID);
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        const bytes = rewrite(VALID, (_, metadata) => mutations.forEach((m) => apply(metadata, m)));
        let ckpt: Checkpoint;
        try {
          ckpt = decodeCheckpoint(bytes);
        } catch (err) {
          if (!(err instanceof CheckpointCorruptError)) throw err;
          return;
        } finally {
          expectUnpolluted();
        }
        const target = setup(7);
        const optimizer = ckpt.optimizer === null ? undefined : target.optimizer;
        try {
          restoreCheckpoint(ckpt, { model: target.model, optimizer, generator: ckpt.rng === null ? undefined : target.generator });
          if (ckpt.scheduler !== null) restoreCheckpoint(ckpt, { scheduler: setup(8).scheduler });
        } catch (err) {
          if (!(err instanceof CheckpointCorruptError)) throw err;
          return;
        } finally {
          expectUnpolluted();
        }
        // Equal load: what was restored re-encodes to the same checkpoint, and the tensors are the file's.
        const again = decodeCheckpoint(encodeCheckpoint({ model: target.model, optimizer, step: ckpt.step ?? undefined, rng: ckpt.rng ?? undefined }));
        expect(again.step).toEqual(ckpt.step);
        expect(again.rng).toEqual(ckpt.rng);
        if (ckpt.optimizer !== null) {
          expect(again.optimizer!.paramGroups).toEqual(ckpt.optimizer.paramGroups);
          for (const [name, fields] of Object.entries(ckpt.optimizer.state)) {
            for (const [field, v] of Object.entries(fields)) {
              const other = again.optimizer!.state[name][field];
              expect(typeof v === 'number' ? other : (other as Tensor).toArray()).toEqual(typeof v === 'number' ? v : v.toArray());
            }
          }
        }
        for (const name of Object.keys(original.modelState)) expect(again.modelState[name].toArray()).toEqual(original.modelState[name].toArray());
      }),
      { numRuns: 600 },
    );
  });
});

describe('large files are read header first and tensor by tensor', () => {
  /** A sparse file: `header` JSON, then the data section of `dataLength` bytes (holes), with `tail` written at its end. */
  function sparseFile(name: string, header: string, dataLength: number, tail: Uint8Array): string {
    const json = new TextEncoder().encode(header);
    const path = join(dir, name);
    const fd = openSync(path, 'w');
    try {
      const length = new Uint8Array(8);
      new DataView(length.buffer).setUint32(0, json.length, true);
      writeSync(fd, length, 0, 8, 0);
      writeSync(fd, json, 0, json.length, 8);
      ftruncateSync(fd, 8 + json.length + dataLength);
      writeSync(fd, tail, 0, tail.length, 8 + json.length + dataLength - tail.length);
    } finally {
      closeSync(fd);
    }
    return path;
  }

  it('a checkpoint over 2 GiB: the header and a tensor past the 2 GiB mark read without reading the rest', async () => {
    const big = 2 ** 31 + 2 ** 20;
    const small = new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer);
    const entries = `"big":{"dtype":"U8","shape":[${big}],"data_offsets":[0,${big}]},"small":{"dtype":"F32","shape":[4],"data_offsets":[${big},${big + 16}]}`;
    const header = `{"__metadata__":{"format":"pt"},${entries}}`;
    const path = sparseFile('big.safetensors', header, big + 16, small);
    const { header: read, byteLength } = await readCheckpointHeader(path);
    expect(byteLength).toBeGreaterThan(2 ** 31);
    expect(read.entries.map((e) => [e.name, e.shape[0]])).toEqual([
      ['big', big],
      ['small', 4],
    ]);
    const file = await openSafetensorsFile(path);
    try {
      const header2 = await readSafetensorsHeaderFrom(file);
      const t = await readSafetensorsTensor(file, header2, header2.entries[1], { backend: 'cpu' });
      expect(t.toArray()).toEqual([1, 2, 3, 4]);
    } finally {
      await file.close();
    }
  });

  it('a tensor larger than one typed array can hold is a one-line MEMORY_BUDGET_EXCEEDED naming it, before any read', async () => {
    const count = 2 ** 32 + 2;
    const header = `{"huge":{"dtype":"F32","shape":[${count}],"data_offsets":[0,${count * 4}]}}`;
    const path = sparseFile('huge.safetensors', header, count * 4, new Uint8Array(4));
    const err = await loadCheckpoint(path).catch((e: unknown) => e);
    const named = /tensor 'huge' has 4294967298 elements of float32, more than this runtime can allocate/;
    expect(err).toMatchObject({ code: 'MEMORY_BUDGET_EXCEEDED', message: expect.stringMatching(named) });
    expect((err as Error).message).not.toMatch(/\n/);
  });

  it('loadCheckpoint reads at offsets, no read larger than the largest tensor, and gives the same checkpoint as the bytes', async () => {
    const path = join(dir, 'reads.safetensors');
    writeFileSync(path, VALID);
    const fsp = process.getBuiltinModule('node:fs/promises') as typeof import('node:fs/promises');
    const realOpen = fsp.open.bind(fsp);
    const reads: number[] = [];
    const spy = vi.spyOn(fsp, 'open').mockImplementation(async (...args: Parameters<typeof fsp.open>) => {
      const handle = await realOpen(...args);
      const read = handle.read.bind(handle) as (...a: unknown[]) => Promise<{ bytesRead: number }>;
      (handle as { read: unknown }).read = async (...a: unknown[]) => {
        reads.push(a[2] as number);
        return read(...a);
      };
      return handle;
    });
    try {
      const fromFile = await loadCheckpoint(path);
      const fromBytes = decodeCheckpoint(VALID);
      expect(Object.keys(fromFile.modelState).sort()).toEqual(Object.keys(fromBytes.modelState).sort());
      for (const n of Object.keys(fromBytes.modelState)) expect(fromFile.modelState[n].toArray()).toEqual(fromBytes.modelState[n].toArray());
    } finally {
      spy.mockRestore();
    }
    const header = decodeSafetensors(VALID);
    const largestTensor = Math.max(...Object.values(header.tensors).map((t) => t.size * 4));
    const headerBytes = 8 + new DataView(VALID.buffer, VALID.byteOffset).getUint32(0, true);
    // The header once (plus its 16-byte probe), then one read per tensor: never the whole file at once.
    expect(Math.max(...reads)).toBeLessThanOrEqual(Math.max(largestTensor, headerBytes));
    expect(reads.length).toBe(2 + Object.keys(header.tensors).length);
  });
});
