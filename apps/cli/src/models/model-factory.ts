// Building a model of any kind from its size (a new run) or from its spec (a checkpoint).
import { InvalidArgumentError, type Generator } from '@seqlab/tensor-core';
import type { LanguageModel, ModelKind, ModelSpec } from './language-model.js';
import type { ModelSize } from './model-size.js';
import { recurrentModel, recurrentSpec } from './recurrent-model.js';
import { transformerModel, transformerSpec } from './transformer-model.js';

/** The spec of a new `kind` model of the given size. */
export function modelSpecFor(kind: ModelKind, size: ModelSize): ModelSpec {
  return kind === 'transformer' ? transformerSpec(size) : recurrentSpec(kind, size);
}

/**
 * Builds the model `spec` describes, with initial weights from `generator` (the default generator when absent,
 * as when a checkpoint's weights are loaded next). A config the model package rejects throws its typed error.
 */
export function buildModel(spec: ModelSpec, generator?: Generator): LanguageModel {
  if (spec.kind === 'transformer') return transformerModel(spec, generator);
  if (spec.config.cell !== spec.kind) {
    throw new InvalidArgumentError(`model config: a '${spec.kind}' model must have cell '${spec.kind}'; received ${JSON.stringify(spec.config.cell)}`);
  }
  return recurrentModel(spec, generator);
}
