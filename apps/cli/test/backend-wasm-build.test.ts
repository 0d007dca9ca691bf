// SEQLAB_WASM_BUILD in the CLI: a wasm kernel build that is unknown, or that this Node cannot run, is a one-line usage
// error (exit 2), never a quiet fall-back to the cpu backend; a build it can run trains on wasm.
import { describe, expect, it } from 'vitest';
import { jsonLines, runCli, TINY } from './run-cli.js';

// Relaxed SIMD is on by default from Node 22; the CLI runs without Node flags.
const RELAXED_SIMD = Number(process.versions.node.split('.')[0]) >= 22;

/** One training step of the tiny run on the default backend (`auto`). */
const ARGS = ['train', '--model', 'lstm', '--steps', '1', ...TINY.slice(0, TINY.indexOf('--backend')), '--json'];

describe('seqlab train with SEQLAB_WASM_BUILD', () => {
  it('an unknown build exits 2 with one line naming the variable and the builds', async () => {
    const r = await runCli(ARGS, { env: { SEQLAB_WASM_BUILD: 'avx' } });
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines, r.stderr).toEqual([`error: the environment variable SEQLAB_WASM_BUILD must be one of 'plain', 'fma', 'auto'; received "avx"`]);
    expect(r.stdout).toBe('');
  });

  it.runIf(!RELAXED_SIMD)('fma on a Node without relaxed SIMD exits 2 saying how to turn it on', async () => {
    const r = await runCli(ARGS, { env: { SEQLAB_WASM_BUILD: 'fma' } });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      /^error: the environment variable SEQLAB_WASM_BUILD: the 'fma' build needs WebAssembly relaxed SIMD.*--experimental-wasm-relaxed-simd/,
    );
  });

  it('plain trains on wasm', async () => {
    const r = await runCli(ARGS, { env: { SEQLAB_WASM_BUILD: 'plain' } });
    expect(r.code, r.stderr).toBe(0);
    expect(jsonLines(r.stdout)[0]).toMatchObject({ event: 'start', backend: 'wasm' });
  });
});
