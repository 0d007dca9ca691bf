import { mkdtempSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLAIM_RULES, claimsExperiment, experimentNames, getExperiment, writeReportReadme, type ClaimsMeasurements } from '../src/index.js';
import { checkResultFiles } from '@seqlab/test-utils/experiment-results';

describe('claims experiment (test size)', () => {
  it('runs every experiment, writes their files, a verdict per claim computed by its rule, and the README from them', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'seqlab-claims-'));
    const json = checkResultFiles('claims', await claimsExperiment.run({ size: 'test', outDir, seed: 8, backend: 'cpu' }));
    const m = json.measurements as ClaimsMeasurements;
    expect(m.claims.map((c) => c.id)).toEqual(CLAIM_RULES.map((r) => r.id));
    for (const c of m.claims) {
      expect(['confirmed', 'refuted', 'depends']).toContain(c.verdict);
      expect(c.measured.length).toBeGreaterThan(0);
      expect(c.reason.length).toBeGreaterThan(0);
      expect(c.comparison.quantity.length).toBeGreaterThan(0);
      expect(Number.isFinite(c.comparison.tutorial)).toBe(true);
    }
    expect(m.runs.map((r) => r.experiment)).toEqual(experimentNames().filter((n) => n !== 'claims'));
    for (const name of experimentNames()) {
      for (const ext of ['json', 'md', 'svg']) expect(existsSync(join(outDir, `${name}.${ext}`))).toBe(true);
    }
    // The report's README is generated from these files, every verdict read from claims.json.
    const md = readFileSync(writeReportReadme(outDir), 'utf8');
    expect(md.startsWith('---\ntitle: Experiments\n')).toBe(true);
    for (const name of experimentNames()) expect(md).toContain(`[md](${name}.md)`);
    for (const v of ['confirmed', 'refuted', 'depends'] as const) {
      const n = m.claims.filter((c) => c.verdict === v).length;
      expect(md).toContain(`${n} ${v === 'depends' ? 'depend on a setting' : v}`);
    }
    for (const c of m.claims) {
      expect(md).toContain(`| ${c.claim} | **${c.verdict}** |`);
      if (c.verdict === 'depends') expect(md).toContain(`\`${c.id}\` depends ${c.reason}.`);
    }
    // One run on one checkout: its commit, once.
    const commit = (JSON.parse(readFileSync(join(outDir, 'speed.json'), 'utf8')) as { environment: { gitCommit?: string } }).environment.gitCommit ?? 'unknown';
    expect(md).toContain(`git commit ${commit}`);
    expect(md).not.toContain('separate sessions');
    // Results from another checkout (an experiment rerun later): each commit is named with its experiments.
    const copyFile = join(outDir, 'copy.json');
    const copyDoc = JSON.parse(readFileSync(copyFile, 'utf8')) as { environment: { gitCommit?: string } };
    copyDoc.environment.gitCommit = 'f'.repeat(40);
    writeFileSync(copyFile, JSON.stringify(copyDoc));
    const mixed = readFileSync(writeReportReadme(outDir), 'utf8');
    expect(mixed).toContain('the experiments ran in separate sessions, on git commits');
    expect(mixed).toMatch(new RegExp(`${'f'.repeat(40)}[^;]* for copy \\(started [0-9-]+ [0-9:]+ UTC\\)`));
    expect(mixed).toMatch(new RegExp(`${commit}[^;]* for speed \\(started`));
  });
});

describe('experiment registry', () => {
  it('lists the nine experiments and rejects unknown names with the known ones', () => {
    expect(experimentNames()).toEqual(['speed', 'memory', 'gradients', 'copy', 'adding', 'bottleneck', 'charlm', 'attention-map', 'claims']);
    expect(getExperiment('copy').name).toBe('copy');
    expect(() => getExperiment('nope')).toThrow(/one of speed, memory/);
  });

  it('rejects bad options with typed errors naming the option', async () => {
    await expect(getExperiment('speed').run({ size: 'huge' as never })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/'size'/),
    });
    await expect(getExperiment('speed').run({ backend: 'nope' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/'backend'/),
    });
    await expect(getExperiment('speed').run({ seed: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/'seed'/) });
  });
});
