// `--backend gpu` in Node: gpu.js's WebAssembly correctness mode trains with a one-line notice; a gpu.js mode that
// cannot start is a one-line usage error; `auto` stays on wasm (no real GPU mode in Node without headless-gl).
import { describe, expect, it } from 'vitest';
import { jsonLines, runCli, stepLosses, TINY } from './run-cli.js';

/** The tiny run of the other tests, on the backend asked for. */
function tiny(backend: string): string[] {
  const options = TINY.slice(0, TINY.indexOf('--backend'));
  return ['train', '--model', 'lstm', '--steps', '2', ...options, '--hidden', '8', '--eval-tokens', '64', '--backend', backend, '--json'];
}

const NOTICE = /^@seqlab\/kernels-gpu: gpu\.js 'webasm' mode runs on the CPU, for correctness tests only; it is slower than the wasm backend/;

describe('seqlab train --backend gpu', () => {
  it('trains 2 steps in gpu.js webasm mode, matching the cpu backend, with one notice line on stderr', async () => {
    const [gpu, cpu] = await Promise.all([runCli(tiny('gpu')), runCli(tiny('cpu'))]);
    expect(gpu.code, gpu.stderr).toBe(0);
    expect(cpu.code, cpu.stderr).toBe(0);
    const notices = gpu.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(NOTICE);
    expect(jsonLines(gpu.stdout)[0]).toMatchObject({ event: 'start', backend: 'gpu' });
    const [g, c] = [stepLosses(gpu.stdout), stepLosses(cpu.stdout)];
    expect([...g.keys()]).toEqual([1, 2]);
    for (const step of [1, 2]) expect(g.get(step)).toBeCloseTo(c.get(step)!, 4);
  }, 120_000);

  it('where the asked gpu.js mode cannot start, exits 2 with one line naming it and the alternatives', async () => {
    const r = await runCli(tiny('gpu'), { env: { SEQLAB_GPU_MODE: 'webgl2' } });
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^error: --backend gpu: no gpu\.js mode can run here \(SEQLAB_GPU_MODE=webgl2\): initGpu: .*'webgl2'.*; use --backend wasm or cpu$/,
    );
    expect(r.stdout).toBe('');
  });

  it('an unknown SEQLAB_GPU_MODE is the same one-line error', async () => {
    const r = await runCli(tiny('gpu'), { env: { SEQLAB_GPU_MODE: 'cuda' } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^error: --backend gpu: no gpu\.js mode can run here \(SEQLAB_GPU_MODE=cuda\): initGpu: option 'mode' must be .*received cuda/,
    );
  });

  it('auto keeps choosing wasm: gpu.js webasm is not a real GPU mode, and no notice is printed', async () => {
    const r = await runCli(tiny('auto'));
    expect(r.code, r.stderr).toBe(0);
    expect(jsonLines(r.stdout)[0]).toMatchObject({ event: 'start', backend: 'wasm' });
    expect(r.stderr).not.toMatch(/kernels-gpu/);
  });
});
