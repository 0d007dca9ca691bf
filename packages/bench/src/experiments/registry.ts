// The registry of experiments by name, as the CLI's `seqlab experiment NAME` looks them up.
import { InvalidArgumentError } from '@seqlab/tensor-core';
import { addingExperiment } from './adding/adding.js';
import { attentionMapExperiment } from './attention-map/attention-map.js';
import { bottleneckExperiment } from './bottleneck/bottleneck.js';
import { charlmExperiment } from './charlm/charlm.js';
import { createClaimsExperiment } from './claims/claims.js';
import { copyExperiment } from './copy/copy.js';
import type { Experiment } from './framework/experiment.js';
import { gradientsExperiment } from './gradients/gradients.js';
import { memoryExperiment } from './memory/memory.js';
import { speedExperiment } from './speed/speed.js';

/** The measuring experiments, in the order `claims` runs them. */
const measuring: readonly Experiment[] = [
  speedExperiment as Experiment,
  memoryExperiment as Experiment,
  gradientsExperiment as Experiment,
  copyExperiment as Experiment,
  addingExperiment as Experiment,
  bottleneckExperiment as Experiment,
  charlmExperiment as Experiment,
  attentionMapExperiment as Experiment,
];

/**
 * The `claims` experiment: runs every measuring experiment's quick version and judges the tutorials' claims.
 *
 * @example
 * ```ts
 * console.assert(claimsExperiment.name === 'claims');
 * // Runs the quick version of every other experiment (or, with reuse, reads their NAME.json already in outDir) and judges each claim.
 * const { result } = await claimsExperiment.run({ outDir: 'bench-results', reuse: true });
 * for (const c of result.measurements.claims) console.log(`${c.verdict}: ${c.claim}`);
 * ```
 */
export const claimsExperiment = createClaimsExperiment(() => measuring);

/**
 * Every experiment, `claims` last. Each has `name`, `description` and `run(options)`.
 *
 * @example
 * ```ts
 * console.assert(experiments.length === 9 && experiments[experiments.length - 1].name === 'claims');
 * for (const e of experiments) console.log(`${e.name}: ${e.description}`);
 * ```
 */
export const experiments: readonly Experiment[] = [...measuring, claimsExperiment as Experiment];

/**
 * Names of the registered experiments.
 *
 * @example
 * ```ts
 * console.assert(experimentNames().join() === 'speed,memory,gradients,copy,adding,bottleneck,charlm,attention-map,claims');
 * ```
 */
export function experimentNames(): string[] {
  return experiments.map((e) => e.name);
}

/**
 * The experiment called `name`; an unknown name throws `InvalidArgumentError` (code `INVALID_ARGUMENT`) listing the known ones.
 *
 * @example
 * ```ts
 * console.assert(getExperiment('copy').name === 'copy');
 * try {
 *   getExperiment('nope');
 * } catch (e) {
 *   console.assert(e instanceof InvalidArgumentError && e.code === 'INVALID_ARGUMENT');
 * }
 * ```
 */
export function getExperiment(name: string): Experiment {
  const found = experiments.find((e) => e.name === name);
  if (!found) throw new InvalidArgumentError(`getExperiment: argument 'name' must be one of ${experimentNames().join(', ')}; received ${JSON.stringify(name)}`);
  return found;
}
