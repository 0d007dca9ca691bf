// The report's index page (docs/experiments/README.md), generated from the result files of a run: what ran, where and
// how long, and which claims came out confirmed, refuted or depending on what — every verdict read from claims.json.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClaimsMeasurements } from '../claims/claims.js';
import type { ResultDocument } from '../framework/experiment.js';
import { markdownTable } from '../framework/markdown.js';
import { experimentNames } from '../registry.js';
import { MOVING_DEFINITION } from '../shared/curves.js';

function read(dir: string, name: string): ResultDocument | null {
  const path = join(dir, `${name}.json`);
  if (!existsSync(path)) return null;
  const doc = JSON.parse(readFileSync(path, 'utf8')) as ResultDocument;
  return doc.experiment === name ? doc : null;
}

const minutes = (seconds: number): string => `${(seconds / 60).toFixed(1)} min`;

/**
 * The Markdown of the report's index for the result files in `dir`: front matter for the docs site, the commands and
 * environment of the run, one row per experiment, and the claims grouped by verdict with what each "depends" on.
 *
 * @example
 * ```ts
 * await claimsExperiment.run({ size: 'test', outDir: 'bench-results' });
 * const md = renderReportReadme('bench-results');
 * console.assert(md.includes('## The tutorials\' claims'));
 * ```
 */
export function renderReportReadme(dir: string): string {
  const docs = experimentNames()
    .map((name) => read(dir, name))
    .filter((d): d is ResultDocument => d !== null);
  const claims = docs.find((d) => d.experiment === 'claims') as ResultDocument<ClaimsMeasurements> | undefined;
  const measuring = docs.filter((d) => d.experiment !== 'claims');
  const env = measuring[0]?.environment;
  const total = measuring.reduce((a, d) => a + d.durationSeconds, 0);
  const lines: string[] = [
    '---',
    'title: Experiments',
    'group: Experiments',
    'children:',
    ...[...(claims ? ['claims'] : []), ...measuring.map((d) => d.experiment)].map((n) => `  - ./${n}.md`),
    '---',
    `# seqlab experiments: a run on a ${env?.cores ?? '?'}-core machine`,
    '',
    'Every number in this folder was measured by `@seqlab/bench` on the machine described below; nothing is simulated or',
    "copied from elsewhere, and this page is generated from the run's JSON files (`renderReportReadme` in",
    '[`packages/bench/src/experiments/report/readme.ts`](../../packages/bench/src/experiments/report/readme.ts)).',
    'Each experiment wrote `NAME.json` (environment, settings, raw measurements), `NAME.md` (tables) and `NAME.svg` (chart).',
    '',
    '## How it was produced',
    '',
    '```sh',
    'pnpm install && pnpm build',
    'bash packages/bench/scripts/full-run.sh docs/experiments',
    '```',
    '',
    env
      ? `Machine: ${env.cpuModel}, ${env.cores} cores, Node ${env.node}, ${env.platform}; backend \`${env.backend}\`; git commit ${env.gitCommit ?? 'unknown'}${env.gitDirty ? ' (with uncommitted changes)' : ''}. The measuring experiments took ${minutes(total)} of wall-clock time in all.`
      : 'No result files were found.',
    '',
    '## Results',
    '',
    markdownTable(
      ['experiment', 'size', 'backend', 'wall time', 'command', 'files'],
      docs.map((d) => [
        d.experiment,
        d.size,
        d.environment.backend,
        minutes(d.durationSeconds),
        `\`${d.command}\``,
        `[md](${d.experiment}.md) · [json](${d.experiment}.json) · [svg](${d.experiment}.svg)`,
      ]),
    ),
    '',
  ];
  if (claims) {
    const list = claims.measurements.claims;
    const by = (v: string): typeof list => list.filter((c) => c.verdict === v);
    const names = (xs: typeof list): string => (xs.length === 0 ? 'none' : xs.map((c) => `\`${c.id}\``).join(', '));
    lines.push(
      "## The tutorials' claims",
      '',
      `![claims chart](claims.svg)`,
      '',
      `Of ${list.length} claims, ${by('confirmed').length} confirmed (${names(by('confirmed'))}), ${by('refuted').length} refuted (${names(by('refuted'))}) and ${by('depends').length} depend on a setting (${names(by('depends'))}).`,
      '',
      ...by('depends').map((c) => `- \`${c.id}\` depends ${c.reason}.`),
      ...(by('depends').length > 0 ? [''] : []),
      'The verdicts are computed by the rules in [`packages/bench/src/experiments/claims/rules.ts`](../../packages/bench/src/experiments/claims/rules.ts), each with its thresholds beside it; [claims.md](claims.md) lists every rule in words. A learning claim may only depend on the training budget when the learning curve behind it is still moving: ' +
        `${MOVING_DEFINITION}. A flat curve at the end of a budget decides the claim for that budget; it does not prove that far longer training would not change it.`,
      '',
      markdownTable(
        ['claim', 'verdict', 'measured here', 'why'],
        list.map((c) => [c.claim, `**${c.verdict}**`, c.measured, c.reason]),
      ),
      '',
      markdownTable(
        ['claim', 'quantity', 'measured', "tutorials' number"],
        list.map((c) => [c.id, c.comparison.quantity, c.comparison.measured, `${c.comparison.tutorial} (${c.comparison.tutorialNote})`]),
      ),
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Writes {@link renderReportReadme}'s page to `dir/README.md` and returns its path.
 *
 * @example
 * ```ts
 * const path = writeReportReadme('docs/experiments'); // after the full run and `claims` with reuse
 * console.log(path);
 * ```
 */
export function writeReportReadme(dir: string): string {
  const path = join(dir, 'README.md');
  writeFileSync(path, renderReportReadme(dir));
  return path;
}
