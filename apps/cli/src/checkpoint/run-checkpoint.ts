// A training run on disk: autograd's checkpoint (weights, AdamW state, step, sampler state, model config, vocabulary)
// plus the run's settings and progress, so `generate`, `eval` and `train --resume` can rebuild everything from one file.
import { join } from 'node:path';
import { loadCheckpoint, saveCheckpoint, type AdamW, type Checkpoint } from '@seqlab/autograd';
import { CharTokenizer } from '@seqlab/datasets';
import type { GeneratorState } from '@seqlab/tensor-core';
import { specOf } from '../models/model-factory.js';
import { MODEL_KINDS, type CharModel, type ModelSpec } from '../models/model-spec.js';
import type { RunProgress, RunProgressJSON, ValidationPoint } from '../training/run-progress.js';
import type { TrainSettings } from '../training/train-settings.js';
import { asUserInput, UsageError } from '../usage-error.js';

/** File name of a run's latest checkpoint inside its output folder. */
export const CHECKPOINT_FILE = 'checkpoint.safetensors';

/** Metadata keys the CLI adds to autograd's checkpoint. */
const TRAINING_KEY = 'seqlab.training';
const PROGRESS_KEY = 'seqlab.progress';

/** The latest checkpoint of the run in `dir`. */
export function checkpointPathIn(dir: string): string {
  return join(dir, CHECKPOINT_FILE);
}

/** What {@link saveRun} stores. */
export interface RunToSave {
  /** The model (its state dict is stored under PyTorch names). */
  readonly model: CharModel;
  /** Its optimizer, whose state continues on resume. */
  readonly optimizer: AdamW;
  /** The character vocabulary. */
  readonly tokenizer: CharTokenizer;
  /** The run's settings. */
  readonly settings: TrainSettings;
  /** Where the run stands (step, time, sampler state, validation curve). */
  readonly progress: RunProgress;
}

/** Writes the run's checkpoint to `path` atomically (a kill mid-write leaves the previous file whole). */
export async function saveRun(path: string, run: RunToSave): Promise<void> {
  const { sampler, step, ...rest } = run.progress.toJSON();
  await saveCheckpoint(path, {
    model: run.model,
    optimizer: run.optimizer,
    step,
    rng: sampler,
    config: specOf(run.model),
    vocab: run.tokenizer.toJSON(),
    metadata: { [TRAINING_KEY]: JSON.stringify(run.settings), [PROGRESS_KEY]: JSON.stringify(rest) },
  });
}

/** A checkpoint read back, with the CLI's parts checked. */
export interface SavedRun {
  /** The decoded checkpoint (weights, optimizer state...). */
  readonly checkpoint: Checkpoint;
  /** How to rebuild the model. */
  readonly spec: ModelSpec;
  /** The vocabulary. */
  readonly tokenizer: CharTokenizer;
  /** The training settings; null for a checkpoint not written by `seqlab train`. */
  readonly settings: TrainSettings | null;
  /** The run's progress; null when the checkpoint has no training state. */
  readonly progress: RunProgressJSON | null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseMetadata(metadata: Record<string, string>, key: string): unknown {
  const text = metadata[key];
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const SETTINGS_NUMBERS = ['batchSize', 'seqLen', 'lr', 'weightDecay', 'clipNorm', 'seed', 'evalEvery', 'evalTokens', 'checkpointEvery'] as const;

function readSettings(value: unknown): TrainSettings | undefined {
  if (!isRecord(value) || typeof value.data !== 'string' || !isRecord(value.budget)) return undefined;
  if (!SETTINGS_NUMBERS.every((k) => typeof value[k] === 'number' && Number.isFinite(value[k]))) return undefined;
  const b = value.budget;
  const budgetOk = (b.kind === 'steps' && Number.isSafeInteger(b.steps)) || (b.kind === 'time' && typeof b.seconds === 'number' && b.seconds > 0);
  return budgetOk ? (value as unknown as TrainSettings) : undefined;
}

function isValidationPoint(p: unknown): p is ValidationPoint {
  return isRecord(p) && ['step', 'seconds', 'nats', 'bitsPerChar'].every((k) => typeof p[k] === 'number');
}

/**
 * Reads the checkpoint at `path` (created on the active backend) and checks what the CLI needs: a model spec
 * of a known kind, a character vocabulary and, when present, training settings and progress. Anything missing or
 * malformed is a {@link UsageError} naming the file.
 */
export async function readRun(path: string): Promise<SavedRun> {
  const what = `checkpoint '${path}'`;
  const checkpoint = await asUserInput(what, () => loadCheckpoint(path));
  const spec = checkpoint.config;
  if (!isRecord(spec) || !(MODEL_KINDS as readonly unknown[]).includes(spec.kind) || !isRecord(spec.config)) {
    throw new UsageError(`${what} has no seqlab language-model config (metadata 'config' must be { kind: ${MODEL_KINDS.join('|')}, config })`);
  }
  const tokenizer = await asUserInput(`${what}, metadata 'vocab'`, () => CharTokenizer.fromJSON(checkpoint.vocab as never));
  const rawSettings = parseMetadata(checkpoint.metadata, TRAINING_KEY);
  const rawProgress = parseMetadata(checkpoint.metadata, PROGRESS_KEY);
  let settings: TrainSettings | null = null;
  let progress: RunProgressJSON | null = null;
  if (rawSettings !== undefined || rawProgress !== undefined) {
    settings = readSettings(rawSettings) ?? null;
    if (settings === null) throw new UsageError(`${what}: metadata '${TRAINING_KEY}' is not a valid set of training settings`);
    const p = rawProgress;
    if (
      !isRecord(p) ||
      typeof p.elapsedSeconds !== 'number' ||
      typeof p.tokensSeen !== 'number' ||
      !Array.isArray(p.validation) ||
      !p.validation.every(isValidationPoint) ||
      checkpoint.step === null ||
      checkpoint.rng === null
    ) {
      throw new UsageError(`${what}: metadata '${PROGRESS_KEY}', 'step' and 'rng' must describe the run's progress`);
    }
    progress = {
      step: checkpoint.step,
      elapsedSeconds: p.elapsedSeconds,
      tokensSeen: p.tokensSeen,
      sampler: checkpoint.rng as GeneratorState,
      validation: p.validation,
    };
  }
  return { checkpoint, spec: spec as unknown as ModelSpec, tokenizer, settings, progress };
}
