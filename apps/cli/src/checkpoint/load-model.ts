// Rebuilding a trained model from a checkpoint file, for `generate` and `eval`.
import { restoreCheckpoint } from '@seqlab/autograd';
import type { CharTokenizer } from '@seqlab/datasets';
import { asUserInput } from '../usage-error.js';
import { readRun, type SavedRun } from './run-checkpoint.js';
import { type AnyLanguageModel, buildLanguageModel } from '@seqlab/recurrent';

/** A model with its weights loaded, its vocabulary and the run it came from. */
export interface LoadedModel {
  /** The model, in evaluation mode. */
  readonly model: AnyLanguageModel;
  /** Its vocabulary. */
  readonly tokenizer: CharTokenizer;
  /** Everything the checkpoint held. */
  readonly saved: SavedRun;
}

/**
 * Reads `path`, rebuilds the model from its config and loads its weights (strictly: names, shapes and dtype kinds
 * must match). `notify` receives one-line notes such as float64 weights converted to float32.
 */
export async function loadModel(path: string, notify?: (line: string) => void): Promise<LoadedModel> {
  const saved = await readRun(path, notify);
  const what = `checkpoint '${path}'`;
  const model = await asUserInput(what, () => buildLanguageModel(saved.spec));
  await asUserInput(what, () => restoreCheckpoint(saved.checkpoint, { model }));
  model.eval();
  return { model, tokenizer: saved.tokenizer, saved };
}
