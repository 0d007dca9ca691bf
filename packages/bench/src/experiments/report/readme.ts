// The report's index page (docs/experiments/README.md), generated from the result files of a run: what ran, where and
// how long, and which claims came out confirmed, refuted or depending on what — every verdict read from claims.json.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddingMeasurements } from '../adding/adding.js';
import type { AttentionMapMeasurements } from '../attention-map/attention-map.js';
import type { BottleneckMeasurements } from '../bottleneck/bottleneck.js';
import type { CharLMMeasurements } from '../charlm/charlm.js';
import type { ClaimsMeasurements } from '../claims/claims.js';
import type { CopyMeasurements } from '../copy/copy.js';
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
const g = (x: number): string => (Number.isFinite(x) ? Number(x.toPrecision(3)).toString() : String(x));

/** One sentence per learning experiment, computed from its measurements: what the models reached in their budgets. */
const SUMMARIES: Record<string, (doc: ResultDocument) => string> = {
  copy(doc) {
    const rows = (doc as ResultDocument<CopyMeasurements>).measurements.rows;
    const delays = [...new Set(rows.map((r) => r.delay))];
    return delays
      .map((d) => {
        const at = rows.filter((r) => r.delay === d);
        return `T=${d}: ${at.map((r) => `${r.model} ${g(r.accuracy)}${r.stoppedEarly ? ` (solved at step ${r.steps})` : r.moving ? ' (still moving)' : ''}`).join(', ')}`;
      })
      .join('; ')
      .concat(` — held-out accuracy on the copied symbols, chance ${g(rows[0]?.baselineAccuracy ?? Number.NaN)}.`);
  },
  adding(doc) {
    const rows = (doc as ResultDocument<AddingMeasurements>).measurements.rows;
    const lengths = [...new Set(rows.map((r) => r.length))];
    return lengths
      .map(
        (t) =>
          `T=${t}: ${rows
            .filter((r) => r.length === t)
            .map((r) => `${r.model} ${g(r.mse)}${r.stoppedEarly ? ` (solved at step ${r.steps})` : r.moving ? ' (still moving)' : ''}`)
            .join(', ')}`,
      )
      .join('; ')
      .concat(` — held-out MSE, baseline ${g(rows[0]?.baselineMse ?? Number.NaN)}.`);
  },
  bottleneck(doc) {
    const rows = (doc as ResultDocument<BottleneckMeasurements>).measurements.rows;
    const lengths = rows.map((r) => r.sourceLength);
    const [short, long] = [Math.min(...lengths), Math.max(...lengths)];
    const acc = (model: string, n: number): number => rows.find((r) => r.model === model && r.sourceLength === n)?.tokenAccuracy ?? Number.NaN;
    return `Greedy token accuracy from ${short} to ${long} source symbols: ${[...new Set(rows.map((r) => r.model))].map((m) => `${m} ${g(acc(m, short))} → ${g(acc(m, long))}`).join(', ')}.`;
  },
  'attention-map'(doc) {
    const m = (doc as ResultDocument<AttentionMapMeasurements>).measurements;
    const best = (stage: string): AttentionMapMeasurements['heads'][number] | undefined =>
      m.heads
        .filter((h) => h.stage === stage)
        .reduce<AttentionMapMeasurements['heads'][number] | undefined>((a, h) => (a === undefined || h.rightNoun > a.rightNoun ? h : a), undefined);
    const t = best('trained');
    const u = best('untrained');
    const tr = m.training.find((x) => x.model === 'Transformer');
    const rnn = m.training.find((x) => x.model === 'RNN');
    return `The Transformer names the referent with accuracy ${g(tr?.accuracy ?? Number.NaN)} after ${tr?.steps} steps (the RNN ${g(rnn?.accuracy ?? Number.NaN)}); its strongest head puts ${g(t?.rightNoun ?? Number.NaN)} of "it"'s attention on the right noun and ${g(t?.wrongNoun ?? Number.NaN)} on the wrong one (untrained: at most ${g(u?.rightNoun ?? Number.NaN)}).`;
  },
  charlm(doc) {
    const runs = (doc as ResultDocument<CharLMMeasurements>).measurements.runs;
    return `Validation loss after ${runs[0]?.steps} steps: ${runs.map((r) => `${r.model} ${g(r.validationLoss)} nats (${g(r.bitsPerChar)} bits) per character, ${r.parameters} parameters, ${g(r.seconds)} s`).join('; ')}.`;
  },
};

/** What an experiment shows: its summary, or the claims that read it with their verdicts. */
function summary(doc: ResultDocument, claims: ResultDocument<ClaimsMeasurements> | undefined): string {
  const own = SUMMARIES[doc.experiment];
  if (own !== undefined) return own(doc);
  if (doc.experiment === 'claims') return 'the verdicts below';
  const cited = (claims?.measurements.claims ?? []).filter((c) => c.sources.includes(doc.experiment));
  return cited.length === 0 ? '' : cited.map((c) => `${c.measured} (\`${c.id}\`: ${c.verdict})`).join(' ');
}

// The checkouts the experiments ran on: one commit for a single run, else each commit with its experiments and start
// times. Whether a checkout had uncommitted changes is read from its first experiment: later ones of the same run also
// see the run's own result files as changes.
function checkouts(docs: readonly ResultDocument[]): string {
  const byStart = [...docs].sort((a, b) => a.environment.startedAt.localeCompare(b.environment.startedAt));
  const groups = new Map<string, ResultDocument[]>();
  for (const d of byStart) {
    const commit = d.environment.gitCommit ?? 'unknown';
    groups.set(commit, [...(groups.get(commit) ?? []), d]);
  }
  const label = (commit: string, first: ResultDocument): string => `${commit}${first.environment.gitDirty ? ' (with uncommitted changes)' : ''}`;
  if (groups.size === 1) {
    const [[commit, ds]] = [...groups];
    return `git commit ${label(commit, ds[0])} when the first experiment started`;
  }
  const when = (d: ResultDocument): string => d.environment.startedAt.slice(0, 16).replace('T', ' ');
  const parts = [...groups].map(([commit, ds]) => `${label(commit, ds[0])} for ${ds.map((d) => `${d.experiment} (started ${when(d)} UTC)`).join(', ')}`);
  return `the experiments ran in separate sessions, on git commits ${parts.join('; ')}`;
}

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
  // The first experiment to start describes the checkout; later ones also see the run's own result files as changes.
  const env = [...measuring].sort((a, b) => a.environment.startedAt.localeCompare(b.environment.startedAt))[0]?.environment;
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
    'which runs each experiment as below (every `NAME.md` starts with its exact command, commit and environment), then `claims` on these files (`reuse: true`) and writes this page.',
    '',
    ...docs.map((d) => `- \`${d.command}\``),
    '',
    env
      ? `Machine: ${env.cpuModel}, ${env.cores} cores, Node ${env.node}, ${env.platform}; backend \`${env.backend}\`; ${checkouts(measuring)}. The measuring experiments took ${minutes(total)} of wall-clock time in all.`
      : 'No result files were found.',
    '',
    '## Results',
    '',
    markdownTable(
      ['experiment', 'size', 'wall time', 'files', 'what it shows on this machine'],
      docs.map((d) => [
        d.experiment,
        d.size,
        minutes(d.durationSeconds),
        `[md](${d.experiment}.md) · [json](${d.experiment}.json) · [svg](${d.experiment}.svg)`,
        summary(d, claims),
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
        // Claims files written before comparisons existed have none.
        list
          .filter((c) => c.comparison !== undefined)
          .map((c) => [c.id, c.comparison.quantity, c.comparison.measured, `${c.comparison.tutorial} (${c.comparison.tutorialNote})`]),
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
 * const path = writeReportReadme('bench-results'); // the folder of a run, after `claims` with reuse
 * console.log(path); // bench-results/README.md
 * ```
 */
export function writeReportReadme(dir: string): string {
  const path = join(dir, 'README.md');
  writeFileSync(path, renderReportReadme(dir));
  return path;
}
