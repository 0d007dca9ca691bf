// The shipped checkpoints: small, rebuildable, scoring what their metadata says, and reproducible by the training script.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '@seqlab/autograd';
import { loadCorpus, seq2seqCollate, ToyTranslation } from '@seqlab/datasets';
import { CharLMSession } from '../src/lib/char-lm-session.js';
import { modelFromCheckpoint, SHIPPED_FILES, type ShippedExamples } from '../src/lib/shipped.js';
import { defaultTrainConfig } from '../src/lib/train-config.js';

const APP = join(import.meta.dirname, '..');
const folder = join(APP, 'public/checkpoints');
const bytesOf = (file: string) => new Uint8Array(readFileSync(join(folder, file)));
const examples = JSON.parse(readFileSync(join(folder, 'examples.json'), 'utf8')) as ShippedExamples;

describe('shipped checkpoints', () => {
  it.each(Object.values(SHIPPED_FILES))('%s is under 200 kB', (file) => {
    expect(statSync(join(folder, file)).size).toBeLessThan(200_000);
  });

  it.each(['transformer', 'lstm'] as const)('the %s LM rebuilds and scores the validation loss its metadata records', (kind) => {
    const loaded = modelFromCheckpoint(bytesOf(SHIPPED_FILES[kind]));
    if (loaded.kind !== kind) throw new Error(`expected a ${kind} model; received ${loaded.kind}`);
    expect(loaded.tokenizer.vocabSize).toBe(65);
    expect(loaded.model.training).toBe(false);
    const facts = loaded.facts;
    expect(facts.command).toBe('node apps/playground/scripts/train-checkpoints.mjs');
    const corpus = loadCorpus('tinyshakespeare');
    // The script scores the first 20,000 characters of the validation split (its VALID_CHARS).
    const valid = loaded.tokenizer.encode(corpus.validation.slice(0, 20_000));
    const { nats } = loaded.model.evaluate(valid, { seqLen: facts.seqLen as number, batchSize: 8 });
    expect(nats).toBeCloseTo(facts.validLoss, 4);
    // Trained: well below the uniform model's ln 65 = 4.17 nats per character.
    expect(nats).toBeLessThan(2.5);
  });

  it('the seq2seq model translates held-out toy sentences as its metadata says', () => {
    const loaded = modelFromCheckpoint(bytesOf(SHIPPED_FILES.seq2seq));
    if (loaded.kind !== 'seq2seq') throw new Error(`expected a seq2seq model; received ${loaded.kind}`);
    expect(loaded.model.config.attention).toBe(true);
    const pairs = new ToyTranslation({ minLength: 3, maxLength: 8, seed: 1000 }).sample(200);
    const batch = seq2seqCollate(loaded.source, loaded.target)(pairs);
    const decoded = loaded.model.greedyDecode(batch.sourceTokens, {
      startToken: loaded.target.bosId,
      endToken: loaded.target.eosId,
      maxLength: 24,
      sourceLengths: batch.sourceLengths.dataSync() as Int32Array,
    });
    const exact = decoded.filter((d, i) => loaded.target.decode(d.tokens) === pairs[i].target).length / pairs.length;
    expect(exact).toBeCloseTo(loaded.facts.exactMatch as number, 10);
    expect(exact).toBeGreaterThan(0.9);
  });

  it('ships example passages within the vocabulary and translation pairs of the grammar', () => {
    const lm = modelFromCheckpoint(bytesOf(SHIPPED_FILES.transformer));
    if (lm.kind !== 'transformer') throw new Error('expected the transformer');
    for (const p of [...examples.passages, examples.text]) expect([...p].every((c) => lm.tokenizer.idOf(c) !== undefined)).toBe(true);
    expect(examples.passages.every((p) => p.length <= lm.model.config.contextLength)).toBe(true);
    const s2s = modelFromCheckpoint(bytesOf(SHIPPED_FILES.seq2seq));
    if (s2s.kind !== 'seq2seq') throw new Error('expected the seq2seq model');
    for (const { source, target } of examples.translations) {
      expect([...s2s.source.encode(source)].includes(s2s.source.unkId)).toBe(false);
      expect([...s2s.target.encode(target)].includes(s2s.target.unkId)).toBe(false);
    }
  });

  it.each(['transformer', 'lstm'] as const)('the %s LM opens in the seqlab CLI, which samples the same text as the library does', (kind) => {
    const loaded = modelFromCheckpoint(bytesOf(SHIPPED_FILES[kind]));
    if (loaded.kind !== kind) throw new Error(`expected a ${kind} model; received ${loaded.kind}`);
    const cli = join(APP, '../cli/dist/bin.js');
    const args = [
      'generate',
      '--checkpoint',
      join(folder, SHIPPED_FILES[kind]),
      '--prompt',
      'ROMEO:',
      '--length',
      '40',
      '--seed',
      '3',
      '--backend',
      'cpu',
      '--json',
    ];
    const printed = JSON.parse(execFileSync(process.execPath, [cli, ...args], { encoding: 'utf8' })) as { text: string };
    const sampled = loaded.model.generate(loaded.tokenizer.encode('ROMEO:'), { length: 40, seed: 3, temperature: 0.8 });
    expect(printed.text).toBe(loaded.tokenizer.decode(sampled));
  });

  it('opens in the training view, whose session continues from it', () => {
    const session = CharLMSession.fromCheckpoint(bytesOf(SHIPPED_FILES.lstm), defaultTrainConfig());
    expect(session.spec.kind).toBe('lstm');
    expect(session.step).toBe(1500);
  });

  it('rejects a checkpoint without the { kind, config } metadata', () => {
    const bytes = bytesOf(SHIPPED_FILES.lstm);
    const checkpoint = decodeCheckpoint(bytes);
    expect(checkpoint.config).toMatchObject({ kind: 'lstm' });
    expect(() => modelFromCheckpoint(new Uint8Array(readFileSync(join(folder, 'examples.json'))))).toThrow();
  });
});

describe('train-checkpoints.mjs', () => {
  const dirs = [mkdtempSync(join(tmpdir(), 'pg-ckpt-a-')), mkdtempSync(join(tmpdir(), 'pg-ckpt-b-'))];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('is deterministic: two quick runs write the same weights', () => {
    for (const out of dirs) execFileSync(process.execPath, [join(APP, 'scripts/train-checkpoints.mjs'), '--quick', '--out', out], { stdio: 'pipe' });
    for (const file of Object.values(SHIPPED_FILES)) {
      const [a, b] = dirs.map((d) => decodeCheckpoint(new Uint8Array(readFileSync(join(d, file)))));
      expect(Object.keys(a.modelState)).toEqual(Object.keys(b.modelState));
      for (const name of Object.keys(a.modelState)) expect(a.modelState[name].dataSync()).toEqual(b.modelState[name].dataSync());
      expect(a.step).toBe(10);
    }
    expect(readFileSync(join(dirs[0], 'examples.json'), 'utf8')).toBe(readFileSync(join(folder, 'examples.json'), 'utf8'));
  });
});
