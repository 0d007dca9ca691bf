// A 1 GiB --data text on the built CLI: streamed into one byte per character, trained on, with its peak memory measured.
import { closeSync, openSync, readFileSync, rmSync, statfsSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { loadCorpus } from '@seqlab/datasets';
import { afterAll, expect, it } from 'vitest';
import { jsonLines, runCli, tempDir, TINY } from './run-cli.js';

const GiB = 2 ** 30;
const dir = tempDir('seqlab-large-corpus-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let runs = 0;

/** Peak resident memory (bytes) of a CLI run, written by a preloaded module when the process exits. */
async function peakMemory(args: readonly string[]): Promise<{ rss: number; events: Record<string, unknown>[] }> {
  const preload = join(dir, 'peak-rss.mjs');
  const out = join(dir, `rss-${runs++}.txt`);
  writeFileSync(
    preload,
    "import { writeFileSync } from 'node:fs';\n" +
      "process.on('exit', () => writeFileSync(process.env.PEAK_RSS_FILE, String(process.resourceUsage().maxRSS * 1024)));\n",
  );
  const r = await runCli(args, { cwd: dir, env: { NODE_OPTIONS: `--import=${preload}`, PEAK_RSS_FILE: out } });
  expect(r.code, r.stderr).toBe(0);
  return { rss: Number(readFileSync(out, 'utf8')), events: jsonLines(r.stdout) };
}

it('trains on a 1 GiB text with peak memory below 1.1 bytes per character above a run on tiny-shakespeare', async (ctx) => {
  const { bavail, bsize } = statfsSync(dir);
  const free = bavail * bsize;
  if (free < 1.5 * GiB) {
    const reason = `skipped: ${dir} has ${(free / GiB).toFixed(2)} GiB free; the test writes a 1 GiB file and needs 1.5 GiB`;
    console.log(reason);
    ctx.skip(reason);
    return;
  }
  // Real text (tiny-shakespeare, repeated) rather than a sparse file, so the vocabulary and the decoding are a real corpus's.
  const text = new TextEncoder().encode(loadCorpus('tinyshakespeare').text);
  const path = join(dir, 'big.txt');
  const fd = openSync(path, 'w');
  try {
    for (let written = 0; written < GiB;) written += writeSync(fd, text, 0, Math.min(text.length, GiB - written));
  } finally {
    closeSync(fd);
  }
  const args = ['train', '--model', 'lstm', '--steps', '2', '--checkpoint-every', '0', ...TINY, '--json'];
  const small = await peakMemory([...args, '--out', join(dir, 'small')]);
  const large = await peakMemory([...args, '--data', path, '--out', join(dir, 'large')]);
  rmSync(path);
  expect(large.events.at(-1)).toMatchObject({ event: 'end', outcome: 'finished', step: 2 });
  expect(large.events[0]).toMatchObject({ event: 'start', model: { config: { vocabSize: 65 } } });
  const perCharacter = (large.rss - small.rss) / GiB;
  console.log(
    `peak RSS: ${(small.rss / 2 ** 20).toFixed(0)} MiB on tiny-shakespeare, ${(large.rss / 2 ** 20).toFixed(0)} MiB on a 1 GiB text ` +
      `(${perCharacter.toFixed(3)} bytes per character above the small run)`,
  );
  // Ids take one byte per character (65 distinct characters); the bound leaves 10% for chunk buffers and the heap.
  expect(perCharacter).toBeLessThan(1.1);
}, 240_000);
