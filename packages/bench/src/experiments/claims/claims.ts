// Experiment `claims`: runs the quick version of every other experiment and judges each claim of the tutorials
// against the measurements with the explicit rules in rules.ts.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChartSpec } from '../framework/chart.js';
import { defineExperiment, type Experiment, type ResultDocument } from '../framework/experiment.js';
import { markdownTable } from '../framework/markdown.js';
import { CLAIM_RULES, type ClaimComparison, type ClaimEvidence, type Verdict } from './rules.js';

/** One judged claim. */
export interface ClaimResult {
  /** Rule id. */
  readonly id: string;
  /** The claim. */
  readonly claim: string;
  /** Experiments read. */
  readonly sources: string[];
  /** The rule in words. */
  readonly rule: string;
  /** The verdict. */
  readonly verdict: Verdict;
  /** What was measured. */
  readonly measured: string;
  /** Why this verdict. */
  readonly reason: string;
  /** The numbers behind it. */
  readonly values: Record<string, number>;
  /** The headline quantity against the tutorials' number. */
  readonly comparison: ClaimComparison;
}

/** Measurements of `claims`. */
export interface ClaimsMeasurements {
  /** Every claim with its verdict. */
  readonly claims: ClaimResult[];
  /** The experiment runs the verdicts rest on. */
  readonly runs: {
    /** Experiment name. */
    experiment: string;
    /** Size it ran (or was reused) at. */
    size: string;
    /** Seconds it took. */
    durationSeconds: number;
    /** The command that reproduces it. */
    command: string;
  }[];
}

/** Whether both numbers are positive and two or more decades apart (a gradient ratio), so a log axis shows both. */
function spansDecades(c: ClaimComparison): boolean {
  return c.measured > 0 && c.tutorial > 0 && Math.max(c.measured / c.tutorial, c.tutorial / c.measured) >= 100;
}

/** The result document at `path` when it exists and is a result of `name`, else null. */
function readResult(path: string, name: string): ResultDocument | null {
  if (!existsSync(path)) return null;
  try {
    const doc = JSON.parse(readFileSync(path, 'utf8')) as ResultDocument;
    return doc.experiment === name && typeof doc.measurements === 'object' ? doc : null;
  } catch {
    // An unreadable or partial file (an interrupted run) is measured again rather than trusted.
    return null;
  }
}

/**
 * Builds the `claims` experiment over `sources` (the registry's other experiments, passed in to avoid an import cycle).
 *
 * @example
 * ```ts
 * // The registry's `claims` experiment is built this way over every measuring experiment (each rule reads its sources).
 * const claims = createClaimsExperiment(() => experiments.filter((e) => e.name !== 'claims'));
 * console.assert(claims.name === 'claims');
 * const { result } = await claims.run({ outDir: 'bench-results', reuse: true });
 * console.log(result.measurements.runs.map((r) => `${r.experiment} ${r.durationSeconds.toFixed(1)} s`));
 * ```
 */
export function createClaimsExperiment(sources: () => readonly Experiment[]): Experiment<ClaimsMeasurements> {
  return defineExperiment<ClaimsMeasurements>({
    name: 'claims',
    description:
      "The tutorials' claims about RNNs and Transformers, each judged confirmed, refuted or depends by an explicit rule over seqlab's own measurements (the quick version of every other experiment, run here).",
    async measure(ctx) {
      const list = sources();
      const progress = ctx.progress(list.length);
      const results: Record<string, ResultDocument> = {};
      const runs: ClaimsMeasurements['runs'] = [];
      // "Quick" is the claims' own budget; the test size shrinks every run further so the test suite stays fast.
      const size = ctx.size === 'test' ? 'test' : 'quick';
      for (const experiment of list) {
        const previous = ctx.reuse ? readResult(join(ctx.outDir, `${experiment.name}.json`), experiment.name) : null;
        if (previous !== null) {
          results[experiment.name] = previous;
          runs.push({ experiment: experiment.name, size: previous.size, durationSeconds: previous.durationSeconds, command: previous.command });
          progress.advance(`${experiment.name}: reused ${previous.size} result`);
          continue;
        }
        progress.status(`running ${experiment.name} (${size})`);
        const outcome = await experiment.run({
          size,
          seed: ctx.seed,
          backend: ctx.backend,
          outDir: ctx.outDir,
          write: ctx.write,
          onProgress: (e) => progress.status(`${experiment.name}: ${e.message} (${e.completed}/${e.total})`),
        });
        results[experiment.name] = outcome.result;
        runs.push({ experiment: experiment.name, size, durationSeconds: outcome.result.durationSeconds, command: outcome.result.command });
        progress.advance(`${experiment.name} done`);
      }
      const evidence = results as unknown as ClaimEvidence;
      const claims = CLAIM_RULES.map((rule) => ({
        id: rule.id,
        claim: rule.claim,
        sources: [...rule.sources],
        rule: rule.rule,
        ...rule.judge(evidence),
        comparison: rule.compare(evidence),
      }));
      return {
        settings: { runSize: size, reused: ctx.reuse, experiments: list.map((e) => e.name), verdicts: 'computed by the rules in claims/rules.ts' },
        measurements: { claims, runs },
      };
    },
    markdown(result: ResultDocument<ClaimsMeasurements>) {
      const m = result.measurements;
      return [
        markdownTable(
          ['claim', 'verdict', 'measured', 'why'],
          m.claims.map((c) => [c.claim, `**${c.verdict}**`, c.measured, c.reason]),
        ),
        '',
        '### Measured against the tutorials',
        '',
        markdownTable(
          ['claim', 'quantity', 'measured', "tutorials' number", 'from'],
          m.claims.map((c) => [c.id, c.comparison.quantity, c.comparison.measured, c.comparison.tutorial, c.comparison.tutorialNote]),
        ),
        '',
        '### Rules',
        '',
        ...m.claims.map((c) => `- \`${c.id}\` (${c.sources.join(', ')}): ${c.rule}`),
        '',
        '### Runs',
        '',
        markdownTable(
          ['experiment', 'size', 'seconds', 'command'],
          m.runs.map((r) => [r.experiment, r.size, r.durationSeconds, r.command]),
        ),
      ].join('\n');
    },
    chart(result: ResultDocument<ClaimsMeasurements>): ChartSpec {
      // One small chart per claim on its own scale: the measured quantity (coloured by its verdict) beside the tutorials' number.
      const verdictColors = { domain: ['confirmed', 'depends', 'refuted', "tutorials' number"], range: ['#2ca02c', '#ff7f0e', '#d62728', '#333333'] };
      const panels = result.measurements.claims.map((c) => ({
        title: { text: `${c.id}: ${c.verdict}`, fontSize: 12, anchor: 'start' },
        data: {
          values: [
            { what: 'measured', value: Number.isFinite(c.comparison.measured) ? c.comparison.measured : null, verdict: c.verdict },
            { what: "tutorials' number", value: c.comparison.tutorial, verdict: "tutorials' number" },
          ],
        },
        width: 420,
        height: 24,
        mark: { type: 'point', filled: true, size: 150 },
        encoding: {
          x: { field: 'value', type: 'quantitative', title: c.comparison.quantity, scale: spansDecades(c.comparison) ? { type: 'log' } : { zero: true } },
          shape: { field: 'what', type: 'nominal', title: 'point', scale: { domain: ['measured', "tutorials' number"], range: ['circle', 'diamond'] } },
          color: { field: 'verdict', type: 'nominal', title: 'verdict', scale: verdictColors },
        },
      }));
      return {
        $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
        title: "The tutorials' claims: each measured quantity against the tutorials' number",
        vconcat: panels,
        spacing: 14,
      } as unknown as ChartSpec;
    },
  });
}
