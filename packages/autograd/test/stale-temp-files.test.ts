// removeStaleTempFiles: temporary files of writers that died mid-write are removed, a live writer's are kept.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@seqlab/tensor-core';
import { removeStaleTempFiles, writeFileAtomic } from '../src/index.js';

/** The id of a process that has exited (a child that ran and ended). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  expect(child.status).toBe(0);
  return child.pid!;
}

describe('removeStaleTempFiles', () => {
  it("removes a dead writer's temporary file and keeps a live writer's, the target and unrelated files", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seqlab-temps-'));
    const dead = `.checkpoint.safetensors.${deadPid()}.1733450000000.0.tmp`;
    // The parent of this test process is alive and is not this process.
    const live = `.checkpoint.safetensors.${process.ppid}.1733450000000.1.tmp`;
    const own = `.checkpoint.safetensors.${process.pid}.1733450000000.2.tmp`;
    for (const name of [dead, live, own, 'checkpoint.safetensors', 'notes.tmp', '.hidden.tmp']) writeFileSync(join(dir, name), 'x');
    expect(await removeStaleTempFiles(dir)).toEqual([dead]);
    expect(existsSync(join(dir, dead))).toBe(false);
    for (const name of [live, own, 'checkpoint.safetensors', 'notes.tmp', '.hidden.tmp']) expect(existsSync(join(dir, name)), name).toBe(true);
  });

  it('leaves nothing behind after a completed writeFileAtomic, so there is nothing to remove', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seqlab-temps-'));
    await writeFileAtomic(join(dir, 'a.bin'), new Uint8Array([1, 2, 3]));
    expect(await removeStaleTempFiles(dir)).toEqual([]);
  });

  it('rejects a path that is not a non-empty string', async () => {
    await expect(removeStaleTempFiles('')).rejects.toThrow(InvalidArgumentError);
  });
});
