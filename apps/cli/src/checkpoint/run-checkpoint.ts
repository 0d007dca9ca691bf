// A training run on disk: autograd's checkpoint (weights, AdamW state, step, sampler state, model config, vocabulary)
// plus the run's settings and progress, so `generate`, `eval` and `train --resume` can rebuild everything from one file.
import { join } from 'node:path';
import { loadCheckpoint, readCheckpointHeader, saveCheckpoint, type AdamW, type Checkpoint } from '@seqlab/autograd';
import { CharTokenizer } from '@seqlab/datasets';
import { getBackend, type GeneratorState } from '@seqlab/tensor-core';
import type { RunProgress, RunProgressJSON, ValidationPoint } from '../training/run-progress.js';
import type { TrainSettings } from '../training/train-settings.js';
import { asUserInput, UsageError } from '../usage-error.js';
import { type AnyLanguageModel, LANGUAGE_MODEL_KINDS, type LanguageModelSpec, languageModelSpecOf } from '@seqlab/recurrent';

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
  readonly model: AnyLanguageModel;
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
    config: languageModelSpecOf(run.model),
    vocab: run.tokenizer.toJSON(),
    metadata: { [TRAINING_KEY]: JSON.stringify(run.settings), [PROGRESS_KEY]: JSON.stringify(rest) },
  });
}

/** A checkpoint read back, with the CLI's parts checked. */
export interface SavedRun {
  /** The decoded checkpoint (weights, optimizer state...). */
  readonly checkpoint: Checkpoint;
  /** How to rebuild the model. */
  readonly spec: LanguageModelSpec;
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

/** Metadata `key` as JSON: undefined when absent (own keys only), and a UsageError naming the key when not JSON. */
function parseMetadata(what: string, metadata: Record<string, string>, key: string): unknown {
  if (!Object.hasOwn(metadata, key)) return undefined;
  try {
    return JSON.parse(metadata[key]);
  } catch {
    throw new UsageError(`${what}: metadata '${key}' is not valid JSON`);
  }
}

/** A check of one stored number, with the words that describe what it must be. */
type NumberRule = readonly [test: (v: unknown) => boolean, expected: string];

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const POSITIVE_INTEGER: NumberRule = [(v) => Number.isSafeInteger(v) && (v as number) >= 1, 'a positive integer'];
const NON_NEGATIVE_INTEGER: NumberRule = [(v) => Number.isSafeInteger(v) && (v as number) >= 0, 'a non-negative integer'];
const POSITIVE: NumberRule = [(v) => isFiniteNumber(v) && v > 0, 'a finite number > 0'];
const NON_NEGATIVE: NumberRule = [(v) => isFiniteNumber(v) && v >= 0, 'a finite number ≥ 0'];

/** The ranges the command-line options enforce, applied to the stored settings before a resume uses them. */
const SETTINGS_RULES = {
  batchSize: POSITIVE_INTEGER,
  seqLen: POSITIVE_INTEGER,
  lr: POSITIVE,
  weightDecay: NON_NEGATIVE,
  clipNorm: POSITIVE,
  seed: NON_NEGATIVE_INTEGER,
  evalEvery: POSITIVE_INTEGER,
  evalTokens: POSITIVE_INTEGER,
  checkpointEvery: NON_NEGATIVE_INTEGER,
} as const;

/** Throws a UsageError naming `field` of metadata `key` unless `value` passes `rule`; returns the value. */
function checked(what: string, key: string, field: string, value: unknown, [test, expected]: NumberRule): number {
  if (!test(value)) throw new UsageError(`${what}: metadata '${key}' field '${field}' must be ${expected}; received ${JSON.stringify(value) ?? 'nothing'}`);
  return value as number;
}

/** The stored training settings, every field checked, rebuilt from known fields only (nothing else is copied). */
function readSettings(what: string, value: unknown): TrainSettings {
  const key = TRAINING_KEY;
  if (!isRecord(value)) throw new UsageError(`${what}: metadata '${key}' must be an object of training settings`);
  if (typeof value.data !== 'string' || value.data === '') throw new UsageError(`${what}: metadata '${key}' field 'data' must be a corpus name or path`);
  const numbers = Object.fromEntries(Object.entries(SETTINGS_RULES).map(([field, rule]) => [field, checked(what, key, field, value[field], rule)])) as Record<
    keyof typeof SETTINGS_RULES,
    number
  >;
  const b = value.budget;
  let budget: TrainSettings['budget'];
  if (isRecord(b) && b.kind === 'steps') budget = { kind: 'steps', steps: checked(what, key, 'budget.steps', b.steps, POSITIVE_INTEGER) };
  else if (isRecord(b) && b.kind === 'time') budget = { kind: 'time', seconds: checked(what, key, 'budget.seconds', b.seconds, POSITIVE) };
  else throw new UsageError(`${what}: metadata '${key}' field 'budget' must be { kind: 'steps', steps } or { kind: 'time', seconds }`);
  const settings: TrainSettings = { data: value.data, ...numbers, budget };
  if (value.evalEverySeconds === undefined) return settings;
  return { ...settings, evalEverySeconds: checked(what, key, 'evalEverySeconds', value.evalEverySeconds, POSITIVE) };
}

/** The stored progress (time, tokens, validation curve), every field checked. */
function readProgress(what: string, value: unknown, step: number | null, rng: GeneratorState | null): RunProgressJSON {
  const key = PROGRESS_KEY;
  if (!isRecord(value)) throw new UsageError(`${what}: metadata '${key}' must be an object describing the run's progress`);
  if (step === null || rng === null) throw new UsageError(`${what}: metadata 'step' and 'rng' must be present with '${key}'`);
  const elapsedSeconds = checked(what, key, 'elapsedSeconds', value.elapsedSeconds, NON_NEGATIVE);
  const tokensSeen = checked(what, key, 'tokensSeen', value.tokensSeen, NON_NEGATIVE_INTEGER);
  if (!Array.isArray(value.validation)) throw new UsageError(`${what}: metadata '${key}' field 'validation' must be a list`);
  const validation: ValidationPoint[] = value.validation.map((p: unknown, i: number) => {
    const field = `validation[${i}]`;
    if (!isRecord(p)) throw new UsageError(`${what}: metadata '${key}' field '${field}' must be { step, seconds, nats, bitsPerChar }`);
    return {
      step: checked(what, key, `${field}.step`, p.step, NON_NEGATIVE_INTEGER),
      seconds: checked(what, key, `${field}.seconds`, p.seconds, NON_NEGATIVE),
      nats: checked(what, key, `${field}.nats`, p.nats, NON_NEGATIVE),
      bitsPerChar: checked(what, key, `${field}.bitsPerChar`, p.bitsPerChar, NON_NEGATIVE),
    };
  });
  return { step, elapsedSeconds, tokensSeen, sampler: rng, validation };
}

/**
 * Bounds the cost of rebuilding the model by the tensors actually present, before anything is allocated: every
 * integer of the config (vocabulary size, widths, layers, heads, context) must be at most the largest dimension of a
 * stored model tensor or the number of them, so a config claiming 20,000 layers beside a small model is refused at
 * once instead of building it (the strict load that follows then checks every name and shape).
 */
function checkSpecSize(what: string, config: Record<string, unknown>, checkpoint: Checkpoint): void {
  const tensors = Object.values(checkpoint.modelState);
  // A loop, not Math.max(...dims): a header may list millions of tensors, more than a call takes arguments.
  let bound = tensors.length;
  for (const t of tensors) for (const d of t.shape) bound = Math.max(bound, d);
  for (const [field, value] of Object.entries(config)) {
    if (Number.isInteger(value) && (value as number) > bound) {
      throw new UsageError(
        `${what}: metadata 'config' field '${field}' is ${String(value)}, ` +
          `larger than any dimension of the ${tensors.length} model tensors stored (at most ${bound})`,
      );
    }
  }
}

/**
 * Reads the checkpoint at `path` (created on the active backend) and checks what the CLI needs: a model spec
 * of a known kind, a character vocabulary and, when present, training settings and progress. Anything missing or
 * malformed is a {@link UsageError} naming the file and the field. Every stored setting is checked against the ranges
 * the command-line options enforce. `notify` receives one-line notes (float64 weights converted to float32).
 */
export async function readRun(path: string, notify: (line: string) => void = () => undefined): Promise<SavedRun> {
  const what = `checkpoint '${path}'`;
  const { header } = await asUserInput(what, () => readCheckpointHeader(path));
  // The models compute in float32: float64 weights are converted on load, as PyTorch's load_state_dict does.
  const wide = header.entries.filter((e) => e.dtype === 'F64').length;
  if (wide > 0) notify(`note: ${what} stores ${wide} float64 tensors; they are converted to float32, the dtype of the model's parameters`);
  const checkpoint = await asUserInput(what, () => loadCheckpoint(path, { downcastFloat64: !getBackend().dtypes.includes('float64') }));
  const spec = checkpoint.config;
  if (!isRecord(spec) || !(LANGUAGE_MODEL_KINDS as readonly unknown[]).includes(spec.kind) || !isRecord(spec.config)) {
    throw new UsageError(`${what} has no seqlab language-model config (metadata 'config' must be { kind: ${LANGUAGE_MODEL_KINDS.join('|')}, config })`);
  }
  checkSpecSize(what, spec.config, checkpoint);
  const tokenizer = await asUserInput(`${what}, metadata 'vocab'`, () => CharTokenizer.fromJSON(checkpoint.vocab as never));
  const rawSettings = parseMetadata(what, checkpoint.metadata, TRAINING_KEY);
  const rawProgress = parseMetadata(what, checkpoint.metadata, PROGRESS_KEY);
  const model = spec as unknown as LanguageModelSpec;
  if (rawSettings === undefined && rawProgress === undefined) return { checkpoint, spec: model, tokenizer, settings: null, progress: null };
  const settings = readSettings(what, rawSettings);
  const progress = readProgress(what, rawProgress, checkpoint.step, checkpoint.rng);
  return { checkpoint, spec: model, tokenizer, settings, progress };
}
