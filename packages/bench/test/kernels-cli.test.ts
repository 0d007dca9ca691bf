// The bench:kernels command line: --help prints the usage, and an unknown option is refused with the usage.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/kernels-cli.js', import.meta.url));

describe('bench:kernels command line', () => {
  it('prints its usage for --help and exits 0', () => {
    const run = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Usage: bench:kernels');
    expect(run.stdout).toContain('--cases peak,matmul,lstm,transformer,inference,generation');
    expect(run.stdout).toContain('--backends wasm --skip-tfjs');
  });

  it('names an unknown option, prints the usage and exits 2', () => {
    const run = spawnSync(process.execPath, [CLI, '--', '--bogus'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Unknown option '--bogus'");
    expect(run.stderr).toContain('Usage: bench:kernels');
  });
});
