// generate on every model kind goes through the one sampler and LanguageModel.stream: --top-k 0 is no filter, --top-k 1 is greedy.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, TINY } from './run-cli.js';

const dir = tempDir();
const KINDS = ['gru', 'transformer'] as const;

beforeAll(async () => {
  for (const kind of KINDS) {
    const r = await runCli(['train', '--model', kind, '--heads', '2', '--steps', '3', ...TINY, '--out', join(dir, kind), '--json']);
    expect(r.code, r.stderr).toBe(0);
  }
});

async function sample(kind: string, ...options: string[]): Promise<string> {
  const checkpoint = join(dir, kind, 'checkpoint.safetensors');
  const r = await runCli(['generate', '--checkpoint', checkpoint, '--prompt', 'KING', '--length', '24', '--backend', 'cpu', '--json', ...options]);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { text: string }).text;
}

describe.each(KINDS)('generate (%s)', (kind) => {
  it('--top-k 0 keeps every character (the default), --top-k 1 is greedy whatever the seed, and top-k with top-p samples', async () => {
    const plain = await sample(kind, '--seed', '5');
    expect([...plain]).toHaveLength(24);
    expect(await sample(kind, '--seed', '5', '--top-k', '0')).toBe(plain);
    expect(await sample(kind, '--seed', '1', '--top-k', '1')).toBe(await sample(kind, '--seed', '2', '--top-k', '1'));
    expect([...(await sample(kind, '--seed', '5', '--top-k', '3', '--top-p', '0.7'))]).toHaveLength(24);
  });
});
