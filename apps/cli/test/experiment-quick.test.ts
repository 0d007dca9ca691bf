// `seqlab experiment claims --quick` on the built CLI: the quick size of every experiment, each writing its three files.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExperimentOutcome } from '@seqlab/bench';
import { checkResultFiles } from '@seqlab/test-utils/experiment-results';
import { runCli, tempDir } from './run-cli.js';

/** claims runs the quick size of the eight measuring experiments into its folder, then judges them. */
const EXPERIMENTS = ['speed', 'memory', 'gradients', 'copy', 'adding', 'bottleneck', 'charlm', 'attention-map', 'claims'];

describe('experiment claims --quick', () => {
  it("runs every experiment's quick size on the default backend and writes each one's JSON, Markdown and SVG", async () => {
    const out = tempDir();
    const r = await runCli(['experiment', 'claims', '--quick', '--out', out, '--seed', '0', '--json']);
    expect(r.code, r.stderr).toBe(0);
    for (const name of EXPERIMENTS) {
      const files = { json: join(out, `${name}.json`), markdown: join(out, `${name}.md`), svg: join(out, `${name}.svg`) };
      const json = checkResultFiles(name, { files } as unknown as ExperimentOutcome);
      expect(json, name).toMatchObject({ size: 'quick', environment: { backend: 'wasm' } });
    }
  }, 1_500_000);
});
