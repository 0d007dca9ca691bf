// seqlab export --onnx: every model kind the CLI trains exports, and onnxruntime gives `seqlab eval`'s validation loss.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '@seqlab/autograd';
import { CharTokenizer, loadCorpus } from '@seqlab/datasets';
import { runCli, tempDir, TINY } from './run-cli.js';

const dir = tempDir();
const KINDS = ['lstm', 'gru', 'rnn', 'transformer'] as const;
const checkpointOf = (kind: string): string => join(dir, kind, 'checkpoint.safetensors');
const MAX_TOKENS = 1024;
const SEQ = 16;

beforeAll(async () => {
  for (const kind of KINDS) {
    const r = await runCli(['train', '--model', kind, '--steps', '3', ...TINY, '--eval-every', '3', '--out', join(dir, kind)]);
    expect(r.code, r.stderr).toBe(0);
  }
}, 240_000);

/** Mean next-character cross-entropy (nats) of an exported model on `seqlab eval`'s windows of the validation text. */
async function onnxValidationLoss(file: string, checkpoint: string): Promise<number> {
  const { vocab } = await loadCheckpoint(checkpoint);
  const ids = CharTokenizer.fromJSON(vocab as never).encode(loadCorpus('tinyshakespeare').validation);
  const windows = Math.min(Math.floor((ids.length - 1) / SEQ), Math.floor(MAX_TOKENS / SEQ));
  const session = await ort.InferenceSession.create(file, { graphOptimizationLevel: 'all' });
  const inputs = new Int32Array(windows * SEQ);
  for (let w = 0; w < windows; w++) inputs.set(ids.subarray(w * SEQ, w * SEQ + SEQ), w * SEQ);
  const { logits } = await session.run({ ids: new ort.Tensor('int32', inputs, [windows, SEQ]) });
  const values = logits.data as Float32Array;
  const vocabSize = logits.dims[2];
  let total = 0;
  for (let w = 0; w < windows; w++) {
    for (let t = 0; t < SEQ; t++) {
      const row = values.subarray((w * SEQ + t) * vocabSize, (w * SEQ + t + 1) * vocabSize);
      const max = row.reduce((m, v) => Math.max(m, v), -Infinity);
      const logSum = Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0)) + max;
      total += logSum - row[ids[w * SEQ + t + 1]];
    }
  }
  return total / (windows * SEQ);
}

describe('seqlab export --onnx', () => {
  it.each(KINDS)('a %s trained by seqlab train exports, and onnxruntime gives the loss seqlab eval reports', async (kind) => {
    const out = join(dir, `${kind}.onnx`);
    const r = await runCli(['export', '--onnx', out, '--checkpoint', checkpointOf(kind)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*: inputs ids int32 \[batch, sequence\]; outputs logits float32 \[batch, sequence, \d+\]; opset 17; [\d.]+ (KiB|MiB)\n$/);
    const evaluated = await runCli(['eval', '--checkpoint', checkpointOf(kind), '--max-tokens', String(MAX_TOKENS), '--backend', 'cpu', '--json']);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const { nats, seqLen, tokens } = JSON.parse(evaluated.stdout) as { nats: number; seqLen: number; tokens: number };
    expect([seqLen, tokens]).toEqual([SEQ, MAX_TOKENS]);
    expect(await onnxValidationLoss(out, checkpointOf(kind))).toBeCloseTo(nats, 4);
  });

  it('with --state adds h0/c0 inputs and hn/cn outputs, and --json lists them', async () => {
    const out = join(dir, 'lstm-state.onnx');
    const r = await runCli(['export', '--onnx', out, '--checkpoint', checkpointOf('lstm'), '--state', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { inputs: { name: string }[]; outputs: { name: string }[]; opset: number; bytes: number; model: string };
    expect(report.inputs.map((i) => i.name)).toEqual(['ids', 'h0', 'c0']);
    expect(report.outputs.map((o) => o.name)).toEqual(['logits', 'hn', 'cn']);
    expect(report).toMatchObject({ opset: 17, model: 'lstm' });
    expect(report.bytes).toBeGreaterThan(1000);
  });

  it('checks the output path before loading anything, and refuses to replace a file without --force', async () => {
    const missing = await runCli(['export', '--onnx', join(dir, 'no-such-folder', 'm.onnx'), '--checkpoint', checkpointOf('gru')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/the folder .*no-such-folder does not exist/);
    const taken = join(dir, 'taken.onnx');
    writeFileSync(taken, 'keep me');
    const refused = await runCli(['export', '--onnx', taken, '--checkpoint', checkpointOf('gru')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/already exists; pass --force/);
    const forced = await runCli(['export', '--onnx', taken, '--checkpoint', checkpointOf('gru'), '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    const noCheckpoint = await runCli(['export', '--onnx', join(dir, 'x.onnx'), '--checkpoint', join(dir, 'nope.safetensors')]);
    expect(noCheckpoint.code).toBe(2);
    expect(existsSync(join(dir, 'x.onnx'))).toBe(false);
  });
});
