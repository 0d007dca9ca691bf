// Robustness of the built CLI: SIGKILL during checkpoint writes, Ctrl-C, and divergence (NaN) during training.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, watch } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { finished, jsonLines, runCli, startCli, tempDir, TINY, waitForEvent } from './run-cli.js';

/** SIGKILLs `child` `delayMs` after it next creates a checkpoint's temporary file in `dir` (a write has begun). */
function killDuringNextWrite(child: ChildProcess, dir: string, delayMs: number): void {
  const watcher = watch(dir, (_event, name) => {
    if (name === null || !name.endsWith('.tmp') || !existsSync(join(dir, name))) return;
    watcher.close();
    setTimeout(() => child.kill('SIGKILL'), delayMs);
  });
  child.on('exit', () => watcher.close());
}

/** A small seeded generator for the kill delays (reproducible, unlike Math.random). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Step and validity of a checkpoint, through `seqlab inspect`. */
async function inspectStep(path: string): Promise<number> {
  const r = await runCli(['inspect', path, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return Number((JSON.parse(r.stdout) as { metadata: Record<string, string> }).metadata.step);
}

describe('SIGKILL during checkpoint writes', () => {
  it('never leaves a broken latest checkpoint: every kill leaves one that loads and resumes', async () => {
    const dir = join(tempDir(), 'run');
    mkdirSync(dir);
    const checkpoint = join(dir, 'checkpoint.safetensors');
    // A wider model makes each checkpoint a few MB, so a write takes a few milliseconds.
    const fresh = ['train', '--model', 'lstm', '--hidden', '160', '--batch', '2', '--seq', '8', '--out', dir];
    const common = ['--steps', '1000000', '--checkpoint-every', '1', '--eval-every', '1000000', '--eval-tokens', '16', '--backend', 'cpu', '--json'];
    const random = lcg(20240611);
    const kills = 16;
    let lastStep = 0;
    let midWrite = 0;
    for (let k = 0; k < kills; k++) {
      const tempsBefore = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.tmp')) : [];
      const child = startCli(existsSync(checkpoint) ? ['train', '--resume', dir, ...common] : [...fresh, ...common]);
      const done = finished(child);
      // After one complete checkpoint of this session, kill at a random moment inside a later write.
      await waitForEvent(child, (e) => e.event === 'checkpoint');
      killDuringNextWrite(child, dir, random() * 4);
      const result = await done;
      expect(result.signal).toBe('SIGKILL');
      // Opening the folder removed the temporary files earlier kills left; a new one means this kill landed mid-write.
      const tempsAfter = readdirSync(dir).filter((f) => f.endsWith('.tmp'));
      for (const name of tempsBefore) expect(tempsAfter, "a killed writer's temporary file is removed by the next run").not.toContain(name);
      if (tempsAfter.length > 0) midWrite++;
      const step = await inspectStep(checkpoint);
      expect(step).toBeGreaterThanOrEqual(lastStep);
      lastStep = step;
    }
    // The kills did land inside writes (a temporary file was left behind), and every session resumed from the
    // previous one's last complete checkpoint and completed at least one more.
    console.log(`${midWrite} of ${kills} kills landed inside a checkpoint write`);
    expect(midWrite).toBeGreaterThanOrEqual(kills / 2);
    expect(lastStep).toBeGreaterThanOrEqual(kills);
  }, 150_000);
});

describe('Ctrl-C', () => {
  it('writes a checkpoint at the current step, exits with 130, and the run resumes from it', async () => {
    const dir = join(tempDir(), 'run');
    const child = startCli(['train', '--model', 'gru', '--steps', '1000000', '--checkpoint-every', '0', ...TINY, '--out', dir, '--json']);
    const done = finished(child);
    await waitForEvent(child, (e) => e.event === 'step' && (e.step as number) >= 5);
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/interrupted at step \d+; checkpoint written\. Continue with: seqlab train --resume /);
    const end = jsonLines(result.stdout).at(-1)!;
    expect(end).toMatchObject({ event: 'end', outcome: 'interrupted' });
    expect(await inspectStep(join(dir, 'checkpoint.safetensors'))).toBe(end.step);
    const resumed = await runCli(['train', '--resume', dir, '--steps', String((end.step as number) + 2), '--backend', 'cpu', '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(jsonLines(resumed.stdout)[0]).toMatchObject({ event: 'start', step: end.step });
  });
});

describe('divergence', () => {
  it('a NaN injected into a weight stops training with one clear line and status 3; the last checkpoint still loads', async () => {
    const dir = join(tempDir(), 'run');
    const r = await runCli([
      'train',
      '--model',
      'lstm',
      '--steps',
      '30',
      '--checkpoint-every',
      '5',
      '--debug-nan-at-step',
      '13',
      ...TINY,
      '--out',
      dir,
      '--json',
    ]);
    expect(r.code).toBe(3);
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/training diverged at step 13: the loss is NaN; the last checkpoint \(step 10\) in .* is intact/);
    const checkpoint = join(dir, 'checkpoint.safetensors');
    expect(await inspectStep(checkpoint)).toBe(10);
    const evaluated = await runCli(['eval', '--checkpoint', checkpoint, '--max-tokens', '256', '--backend', 'cpu', '--json']);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(Number.isFinite((JSON.parse(evaluated.stdout) as { nats: number }).nats)).toBe(true);
  });

  it('--lr 1e6 explodes the weights: the guard refuses to checkpoint them, exits 3 and says what it checked', async () => {
    const dir = join(tempDir(), 'run');
    const r = await runCli(['train', '--model', 'lstm', '--steps', '50', '--lr', '1e6', '--checkpoint-every', '1', ...TINY, '--out', dir]);
    expect(r.code).toBe(3);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/training diverged at step 1: parameter '[\w.]+' holds \|w\| = [\d.]+e\+\d+, above the limit 1\.00e\+6; /);
    expect(lines[0]).toMatch(/; no checkpoint was written yet \(checked: a finite loss and gradient norm at every step; before every checkpoint, /);
    expect(lines[0]).toMatch(/a loss of at most 41\.7 nats \(10 × ln vocabulary\) and every parameter finite with \|w\| ≤ 1e\+6\)/);
    expect(existsSync(join(dir, 'checkpoint.safetensors'))).toBe(false);
  });

  it('--lr 1e5: a finite but exploding loss stops training before the weights it came from are checkpointed', async () => {
    const dir = join(tempDir(), 'run');
    const args = ['train', '--model', 'transformer', '--heads', '2', '--steps', '50', '--lr', '1e5', '--checkpoint-every', '2'];
    const r = await runCli([...args, ...TINY, '--out', dir]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/error: training diverged at step 2: the loss is [\d.]+e\+\d+ nats, above the limit 41\.74; no checkpoint was written yet/);
    expect(existsSync(join(dir, 'checkpoint.safetensors'))).toBe(false);
  });

  it('an absurd learning rate makes training diverge and stop with status 3', async () => {
    const r = await runCli(['train', '--model', 'lstm', '--steps', '50', '--lr', '1e30', ...TINY, '--out', join(tempDir(), 'run')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/error: training diverged at step \d+: the (loss|gradient norm) is (NaN|Infinity).*Lower --lr \(it is 1e\+30\)/);
  });
});
