// Hostile and careless checkpoint files through the built CLI: pollution vectors, bad metadata, text files, float64
// weights, config sizes and files over 2 GiB; every user mistake is status 2 and one line, never a stack trace.
import { spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { cast, decodeSafetensors, encodeSafetensors, type Tensor } from '@seqlab/tensor-core';
import { jsonLines, runCli, tempDir, TINY, type CliResult } from './run-cli.js';

const dir = tempDir('seqlab-ckpt-files-');
const run = join(dir, 'run');
let original: Uint8Array;

/** Loaded into every child: reports on stderr at exit when a key reached Object.prototype. */
const probe = join(dir, 'prototype-probe.mjs');
writeFileSync(
  probe,
  `const before = Object.getOwnPropertyNames(Object.prototype).sort().join();
process.on('exit', () => {
  const now = Object.getOwnPropertyNames(Object.prototype).sort().join();
  if (now !== before || ({}).polluted !== undefined) process.stderr.write('POLLUTED Object.prototype\\n');
});
`,
);
const PROBED = { env: { NODE_OPTIONS: `--import=${pathToFileURL(probe).href}` } };

beforeAll(async () => {
  const r = await runCli(['train', '--model', 'lstm', '--steps', '4', ...TINY, '--out', run]);
  expect(r.code, r.stderr).toBe(0);
  original = new Uint8Array(readFileSync(join(run, 'checkpoint.safetensors')));
});

type Tensors = Record<string, Tensor>;
type Strings = Record<string, string>;

/** A JSON member that would set a prototype if merged with Object.assign. */
const POISON = '"__proto__":{"polluted":1}';

/** A run folder holding `bytes` as its checkpoint; returns the folder and the checkpoint path. */
function runWith(name: string, bytes: Uint8Array): { folder: string; file: string } {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, 'checkpoint.safetensors');
  writeFileSync(file, bytes);
  return { folder, file };
}

/** The original checkpoint after `edit` changed its tensors or metadata strings. */
function edited(edit: (tensors: Record<string, Tensor>, metadata: Record<string, string>) => void): Uint8Array {
  const { tensors, metadata } = decodeSafetensors(original, { backend: 'cpu' });
  const copy: Record<string, string> = Object.fromEntries(Object.entries(metadata));
  edit(tensors, copy);
  return encodeSafetensors(tensors, copy);
}

/** Status 2, one line on stderr matching `pattern`, no stack frame and no polluted prototype. */
function expectOneLine(r: CliResult, pattern: RegExp): void {
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  expect(r.stderr).not.toMatch(/POLLUTED/);
  expect(r.code, r.stderr).toBe(2);
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

/** Every command that loads a checkpoint, on the run folder `folder`. */
function loaders(folder: string, file: string): string[][] {
  return [
    ['eval', '--checkpoint', file, '--max-tokens', '256', '--backend', 'cpu'],
    ['generate', '--checkpoint', file, '--length', '5', '--backend', 'cpu'],
    ['train', '--resume', folder, '--steps', '6', '--backend', 'cpu'],
  ];
}

describe('prototype pollution through the CLI', () => {
  it('the probe sees a polluted prototype', () => {
    const polluted = spawnSync(process.execPath, ['--import', pathToFileURL(probe).href, '-e', 'Object.prototype.polluted = 1'], { encoding: 'utf8' });
    expect(polluted.stderr).toMatch(/POLLUTED/);
    const clean = spawnSync(process.execPath, ['--import', pathToFileURL(probe).href, '-e', '({}).x = 1'], { encoding: 'utf8' });
    expect(clean.stderr).toBe('');
  });

  it.each([
    ['optimizer.state.__proto__.polluted', (t: Tensors) => (t['optimizer.state.__proto__.polluted'] = t['head.bias'])],
    ['optimizer.state.constructor.prototype.polluted', (t: Tensors) => (t['optimizer.state.constructor.prototype.polluted'] = t['head.bias'])],
    ['optimizer.state.head.bias.__proto__', (t: Tensors) => (t['optimizer.state.head.bias.__proto__'] = t['head.bias'])],
    ['__proto__ model tensor', (t: Tensors) => (t['__proto__'] = t['head.bias'])],
    ['config with __proto__', (_: Tensors, m: Strings) => (m.config = m.config.replace('{', `{${POISON},`))],
    ['optimizer group with __proto__', (_: Tensors, m: Strings) => (m.optimizer = m.optimizer.replace('"paramGroups":[{', `"paramGroups":[{${POISON},`))],
    ['settings with __proto__', (_: Tensors, m: Strings) => (m['seqlab.training'] = m['seqlab.training'].replace('{', `{${POISON},`))],
  ])('%s: eval, generate and train --resume exit 2 with one line; nothing is polluted', async (name, edit) => {
    const { folder, file } = runWith(`vector-${name.replace(/\W+/g, '-')}`, edited(edit));
    for (const args of loaders(folder, file)) {
      const r = await runCli(args, PROBED);
      // Settings keep their own fields only (a stray key is ignored as data): that resume may run, unpolluted.
      if (name.startsWith('settings') && args[0] !== 'train') expect(r.code, r.stderr).toBe(0);
      else if (!name.startsWith('settings')) expectOneLine(r, /checkpoint/);
      expect(r.stderr).not.toMatch(/POLLUTED/);
    }
    const inspected = await runCli(['inspect', file, '--json'], PROBED);
    expect(inspected.stderr).not.toMatch(/POLLUTED/);
    if (inspected.code === 0) expect(JSON.parse(inspected.stdout).tensors.map((t: { name: string }) => t.name)).toContain('head.bias');
    else expectOneLine(inspected, /checkpoint/);
  });
});

describe('metadata is validated before use', () => {
  it.each([
    ['batchSize', 1.5, /field 'batchSize' must be a positive integer; received 1\.5/],
    ['batchSize', 0, /field 'batchSize' must be a positive integer; received 0/],
    ['clipNorm', -1, /field 'clipNorm' must be a finite number > 0; received -1/],
    ['lr', 'fast', /field 'lr' must be a finite number > 0; received "fast"/],
  ])('resume with a stored %s of %s is status 2 naming the field', async (field, value, pattern) => {
    const bytes = edited((_, m) => (m['seqlab.training'] = JSON.stringify({ ...JSON.parse(m['seqlab.training']), [field]: value })));
    const { folder } = runWith(`settings-${field}-${String(value)}`, bytes);
    expectOneLine(await runCli(['train', '--resume', folder, '--steps', '6', '--backend', 'cpu']), pattern);
  });

  it('a missing optimizer field stops the resume instead of continuing from zeros', async () => {
    const { folder } = runWith(
      'missing-moment',
      edited((t) => delete t['optimizer.state.embedding.weight.exp_avg']),
    );
    const r = await runCli(['train', '--resume', folder, '--steps', '6', '--backend', 'cpu']);
    expectOneLine(r, /optimizer state of 'embedding\.weight' must hold .*exp_avg/);
  });

  it('a float weight relabelled I32 is refused by eval', async () => {
    const from = Buffer.from('"embedding.weight":{"dtype":"F32"');
    const bytes = original.slice();
    const at = Buffer.from(bytes.buffer).indexOf(from);
    bytes[at + from.length - 4] = 'I'.charCodeAt(0);
    const { file } = runWith('relabelled', bytes);
    const r = await runCli(['eval', '--checkpoint', file, '--max-tokens', '256', '--backend', 'cpu']);
    expectOneLine(r, /tensor 'embedding\.weight' holds int32; the model's parameter is float32/);
  });

  it('inspect reads the header only: a config of 20,000 layers costs nothing and the count comes from the tensors', async () => {
    const plain = JSON.parse((await runCli(['inspect', join(run, 'checkpoint.safetensors'), '--json'])).stdout);
    const bytes = edited((_, m) => {
      const spec = JSON.parse(m.config);
      m.config = JSON.stringify({ ...spec, config: { ...spec.config, numLayers: 20000 }, padding: 'x'.repeat(500_000) });
    });
    const { file } = runWith('huge-config', bytes);
    const r = await runCli(['inspect', file, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.model).toBe('lstm');
    expect(report.parameterCount).toBe(plain.parameterCount);
    expectOneLine(await runCli(['eval', '--checkpoint', file, '--backend', 'cpu']), /metadata 'config' field 'numLayers' is 20000, larger than any dimension/);
  });
});

describe('messages that say what the user did wrong', () => {
  it('a text file passed as a checkpoint is "not a safetensors file" in every command', async () => {
    const { folder, file } = runWith('text', new TextEncoder().encode('ROMEO: But soft, what light through yonder window breaks?\n'));
    for (const args of [['inspect', file], ...loaders(folder, file)]) expectOneLine(await runCli(args), /checkpoint .*: .*not a safetensors file/);
  });

  it('a float64 checkpoint on the default backend converts to float32 with a one-line note and evaluates as the float32 one', async () => {
    const wide = edited((t) => {
      for (const name of Object.keys(t)) if (t[name].dtype === 'float32') t[name] = cast(t[name], 'float64');
    });
    const { file } = runWith('float64', wide);
    const eval32 = await runCli(['eval', '--checkpoint', join(run, 'checkpoint.safetensors'), '--max-tokens', '256', '--json']);
    const eval64 = await runCli(['eval', '--checkpoint', file, '--max-tokens', '256', '--json']);
    expect(eval64.code, eval64.stderr).toBe(0);
    const note = /^note: checkpoint '.*float64.*' stores \d+ float64 tensors; they are converted to float32, the dtype of the model's parameters$/;
    expect(eval64.stderr.trim()).toMatch(note);
    expect(jsonLines(eval64.stdout)[0].nats).toBe(jsonLines(eval32.stdout)[0].nats);
  });

  it('inspect lists a checkpoint over 2 GiB from its header (a sparse file)', async () => {
    const big = 2 ** 31 + 2 ** 20;
    const entries = `"big":{"dtype":"U8","shape":[${big}],"data_offsets":[0,${big}]},"small":{"dtype":"F32","shape":[2],"data_offsets":[${big},${big + 8}]}`;
    const json = new TextEncoder().encode(`{${entries}}`);
    const file = join(dir, 'big.safetensors');
    const fd = openSync(file, 'w');
    const length = new Uint8Array(8);
    new DataView(length.buffer).setUint32(0, json.length, true);
    writeSync(fd, length, 0, 8, 0);
    writeSync(fd, json, 0, json.length, 8);
    ftruncateSync(fd, 8 + json.length + big + 8);
    closeSync(fd);
    const r = await runCli(['inspect', file, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.bytes).toBeGreaterThan(2 ** 31);
    expect(report.parameterCount).toBe(big + 2);
  });
});
