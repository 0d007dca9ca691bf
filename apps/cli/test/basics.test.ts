// The built CLI's help, version, colours, and how it reports user mistakes (status 2, one line, no stack trace).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './run-cli.js';

const COMMANDS = ['demo', 'train', 'generate', 'eval', 'inspect', 'export', 'experiment', 'bench kernels'];

/** A user mistake: status 2, exactly one non-empty line on stderr, and no stack frames. */
function expectUsageError(result: { code: number | null; stderr: string; stdout: string }, pattern: RegExp): void {
  expect(result.code).toBe(2);
  const lines = result.stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('help and version', () => {
  it('lists every command in the top-level help', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toContain(c.split(' ')[0]);
  });

  it.each(COMMANDS)('%s --help shows options and examples', async (command) => {
    const r = await runCli([...command.split(' '), '--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Usage: seqlab ${command}`);
    expect(r.stdout).toContain('--json');
    expect(r.stdout).toMatch(/Examples:\n\s+\$ seqlab /);
  });

  it('prints the package version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('user mistakes exit with status 2 and one line', () => {
  it('unknown model', async () => {
    expectUsageError(await runCli(['train', '--model', 'perceptron']), /--model must be one of rnn, lstm, gru, transformer; received 'perceptron'/);
  });

  it('bad numbers', async () => {
    expectUsageError(await runCli(['train', '--model', 'lstm', '--steps', 'ten']), /--steps must be an integer ≥ 1; received 'ten'/);
    expectUsageError(await runCli(['train', '--model', 'lstm', '--steps', '2.5']), /--steps must be an integer/);
    expectUsageError(await runCli(['train', '--model', 'lstm', '--lr', '-0.1']), /--lr must be a number > 0; received '-0.1'/);
    expectUsageError(await runCli(['generate', '--checkpoint', 'x', '--top-p', '1.5']), /--top-p must be a number > 0 and ≤ 1/);
    expectUsageError(
      await runCli(['train', '--model', 'transformer', '--hidden', '30', '--heads', '4', '--backend', 'cpu']),
      /--hidden 30 must be divisible by --heads 4/,
    );
  });

  it('contradictory budgets', async () => {
    expectUsageError(await runCli(['train', '--model', 'lstm', '--steps', '5', '--time', '5', '--backend', 'cpu']), /--steps or --time, not both/);
  });

  it('missing files', async () => {
    expectUsageError(await runCli(['inspect', 'no-such.safetensors']), /no-such\.safetensors'?: no such file/);
    expectUsageError(await runCli(['eval', '--checkpoint', 'missing.safetensors', '--backend', 'cpu']), /missing\.safetensors'?: no such file/);
    expectUsageError(
      await runCli(['train', '--model', 'gru', '--data', 'missing.txt', '--backend', 'cpu']),
      /--data 'missing\.txt' is neither a shipped corpus/,
    );
    expectUsageError(await runCli(['train', '--resume', 'no-run-here', '--backend', 'cpu']), /--resume 'no-run-here'/);
  });

  it('corrupt checkpoints', async () => {
    const dir = tempDir();
    const garbage = join(dir, 'garbage.safetensors');
    writeFileSync(garbage, 'this is not a safetensors file at all');
    expectUsageError(await runCli(['inspect', garbage]), /garbage\.safetensors'?: .*safetensors/);
    expectUsageError(await runCli(['generate', '--checkpoint', garbage, '--backend', 'cpu']), /garbage\.safetensors/);
  });

  it('a missing required option and an unknown command or option', async () => {
    expectUsageError(await runCli(['generate']), /required option '--checkpoint <file>' not specified/);
    expect((await runCli(['trian'])).code).toBe(2);
    expect((await runCli(['inspect', 'x', '--jsonn'])).code).toBe(2);
  });
});

describe('colour', () => {
  it('colours errors only when allowed, and NO_COLOR always wins', async () => {
    const forced = await runCli(['inspect', 'missing.safetensors'], { env: { FORCE_COLOR: '1' } });
    expect(forced.stderr).toContain('\u001b[31m');
    const plain = await runCli(['inspect', 'missing.safetensors'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(plain.stderr).not.toContain('\u001b[');
    const piped = await runCli(['inspect', 'missing.safetensors']);
    expect(piped.stderr).not.toContain('\u001b[');
  });
});
