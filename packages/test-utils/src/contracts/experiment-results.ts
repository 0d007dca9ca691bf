// Shared checks of an experiment's three files: JSON structure, finite numbers, Markdown tables, SVG document.
import { expect } from 'vitest';
import { lossTrend, type ExperimentOutcome } from '@seqlab/bench';
import { requireNodeBuiltin } from '@seqlab/tensor-core';

/** Every number anywhere in `value`, with its JSON path. */
function numbers(value: unknown, path: string, out: [string, number][]): void {
  if (typeof value === 'number') out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => numbers(v, `${path}[${i}]`, out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) numbers(v, `${path}.${k}`, out);
}

/** Checks the files of `outcome` for experiment `name`; returns the parsed JSON. */
export function checkResultFiles(name: string, outcome: ExperimentOutcome): Record<string, unknown> {
  // Reached at call time, so that importing the suites in a browser (vitest browser mode) needs no Node built-in.
  const { readFileSync } = requireNodeBuiltin<typeof import('node:fs')>('node:fs', 'checkResultFiles');
  expect(outcome.files).not.toBeNull();
  const files = outcome.files!;
  expect(files.json.endsWith(`${name}.json`)).toBe(true);
  const json = JSON.parse(readFileSync(files.json, 'utf8')) as Record<string, unknown>;
  expect(json.experiment).toBe(name);
  expect(typeof json.description).toBe('string');
  expect(json.command).toMatch(new RegExp(`^seqlab experiment ${name}`));
  const env = json.environment as Record<string, unknown>;
  for (const key of ['node', 'cpuModel', 'cores', 'backend', 'packages', 'startedAt']) expect(env).toHaveProperty(key);
  expect(env.node).toBe(process.version);
  expect((env.packages as Record<string, unknown>)['@seqlab/tensor-core']).toMatch(/^\d+\.\d+\.\d+/);
  expect(typeof json.settings).toBe('object');
  expect(json.measurements).toBeTruthy();
  const found: [string, number][] = [];
  numbers(json.measurements, 'measurements', found);
  expect(found.length).toBeGreaterThan(0);
  for (const [path, v] of found) expect(Number.isFinite(v), `${path} = ${v}`).toBe(true);
  const md = readFileSync(files.markdown, 'utf8');
  expect(md.startsWith(`# ${name}\n`)).toBe(true);
  expect(md).toContain('## Results');
  // The chart beside the Markdown is shown inline, on GitHub and in the docs site.
  expect(md).toContain(`![${name} chart](${name}.svg)`);
  expect(md).toMatch(/\n\| .* \|\n\| (---:?|:?---)( \| (---:?|:?---))* \|\n/);
  const svg = readFileSync(files.svg, 'utf8');
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  expect(svg).toMatch(/<path|<rect/);
  return json;
}

/**
 * Checks that a training run's per-step losses fall: Kendall's τ between step and loss at most `maxTau` (−1 = always
 * falling; an optimizer that does nothing gives τ near 0) and the last quarter's mean below the first quarter's.
 */
export function expectFallingLoss(label: string, losses: readonly number[], maxTau = -0.3): void {
  expect(losses.length, `${label}: steps`).toBeGreaterThanOrEqual(8);
  const tau = lossTrend(losses);
  const quarter = Math.floor(losses.length / 4);
  const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const first = mean(losses.slice(0, quarter));
  const last = mean(losses.slice(losses.length - quarter));
  expect(tau, `${label}: Kendall τ of the training loss against the step`).toBeLessThanOrEqual(maxTau);
  expect(last, `${label}: mean loss of the last quarter against the first (${first})`).toBeLessThan(first);
}
