// The registry of experiments by name, as the CLI's `seqlab experiment NAME` looks them up.
import { InvalidArgumentError } from '@seqlab/tensor-core';
import type { Experiment } from './framework/experiment.js';
import { addingExperiment } from './adding/adding.js';
import { attentionMapExperiment } from './attention-map/attention-map.js';
import { bottleneckExperiment } from './bottleneck/bottleneck.js';
import { charlmExperiment } from './charlm/charlm.js';
import { copyExperiment } from './copy/copy.js';
import { gradientsExperiment } from './gradients/gradients.js';
import { memoryExperiment } from './memory/memory.js';
import { speedExperiment } from './speed/speed.js';

/** Every experiment, in the order `claims` runs them. */
export const experiments: readonly Experiment[] = [speedExperiment as Experiment, memoryExperiment as Experiment, gradientsExperiment as Experiment, copyExperiment as Experiment, addingExperiment as Experiment, bottleneckExperiment as Experiment, charlmExperiment as Experiment, attentionMapExperiment as Experiment];

/** Names of the registered experiments. */
export function experimentNames(): string[] {
  return experiments.map((e) => e.name);
}

/** The experiment called `name`; an unknown name throws {@link InvalidArgumentError} listing the known ones. */
export function getExperiment(name: string): Experiment {
  const found = experiments.find((e) => e.name === name);
  if (!found) throw new InvalidArgumentError(`getExperiment: argument 'name' must be one of ${experimentNames().join(', ')}; received ${JSON.stringify(name)}`);
  return found;
}
