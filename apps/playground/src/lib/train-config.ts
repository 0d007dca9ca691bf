// A live-training run's settings (task, model, sizes, optimizer, seed, backend, sampling) and their URL form.
import { DEFAULT_LANGUAGE_MODEL_LAYERS, DEFAULT_LANGUAGE_MODEL_LR, LANGUAGE_MODEL_KINDS, type LanguageModelKind } from '@seqlab/recurrent';

/**
 * The tasks the training view offers: the character language model on the shipped corpus, and the synthetic tasks
 * of `@seqlab/datasets` (copy, adding problem, reversal, toy translation).
 */
export const TASKS = ['charlm', 'copy', 'adding', 'reversal', 'translation'] as const;

/** One of {@link TASKS}. */
export type TaskId = (typeof TASKS)[number];

/**
 * Display names of the tasks.
 *
 * @example
 * ```ts
 * TASK_LABELS.copy; // "copy task"
 * ```
 */
export const TASK_LABELS: Readonly<Record<TaskId, string>> = {
  charlm: 'char LM (shakespeare)',
  copy: 'copy task',
  adding: 'adding problem',
  reversal: 'reversal (seq2seq)',
  translation: 'toy translation (seq2seq)',
};

/**
 * Each task's default size (`taskLength`): the copy delay T, the adding problem's length, the reversed sequence's
 * length, the longest English sentence in words; unused by the character model.
 *
 * @example
 * ```ts
 * DEFAULT_TASK_LENGTH.copy; // 20
 * ```
 */
export const DEFAULT_TASK_LENGTH: Readonly<Record<TaskId, number>> = { charlm: 1, copy: 20, adding: 50, reversal: 8, translation: 8 };

/**
 * Compute backends the worker can train on: wasm (SIMD, threads where the page is cross-origin isolated), gpu
 * (`@seqlab/kernels-gpu` on WebGL2, loaded only when picked; the worker falls back to wasm where it cannot start), cpu.
 */
export const BACKENDS = ['wasm', 'gpu', 'cpu'] as const;

/** One of {@link BACKENDS}. */
export type BackendId = (typeof BACKENDS)[number];

/** Everything that decides a run's numbers, and how its samples are drawn. */
export interface TrainConfig {
  /** The task. */
  readonly task: TaskId;
  /** The model family. */
  readonly model: LanguageModelKind;
  /** Hidden width (recurrent) or model width (Transformer). */
  readonly hidden: number;
  /** Recurrent layers or Transformer blocks. */
  readonly layers: number;
  /** Attention heads (Transformer). */
  readonly heads: number;
  /** Windows per batch. */
  readonly batch: number;
  /** Characters per window (the Transformer's context). */
  readonly seq: number;
  /** AdamW learning rate. */
  readonly lr: number;
  /** AdamW weight decay. */
  readonly weightDecay: number;
  /** Gradient clipping norm. */
  readonly clip: number;
  /** Seed of weights and batches. */
  readonly seed: number;
  /** Compute backend. */
  readonly backend: BackendId;
  /** Sampling temperature. */
  readonly temperature: number;
  /** Sample among the k likeliest tokens (0: all). */
  readonly topK: number;
  /** Nucleus sampling mass (1: off). */
  readonly topP: number;
  /** The task's size ({@link DEFAULT_TASK_LENGTH}). */
  readonly taskLength: number;
  /** Sequence-to-sequence tasks: 1 for additive (Bahdanau) attention, 0 without. */
  readonly attention: number;
}

/**
 * The settings of a new run of `model`: small enough to train at a few steps a second in a browser, with the
 * CLI's per-kind defaults for layers and learning rate and the CLI's weight decay, clipping and seed.
 *
 * @example
 * ```ts
 * defaultTrainConfig('transformer').layers; // 2
 * ```
 */
export function defaultTrainConfig(model: LanguageModelKind = 'lstm', task: TaskId = 'charlm'): TrainConfig {
  return {
    task,
    model,
    hidden: 64,
    layers: DEFAULT_LANGUAGE_MODEL_LAYERS[model],
    heads: 4,
    batch: 16,
    seq: 32,
    lr: DEFAULT_LANGUAGE_MODEL_LR[model],
    weightDecay: 0.01,
    clip: 1,
    seed: 1337,
    backend: 'wasm',
    temperature: 0.8,
    topK: 0,
    topP: 1,
    taskLength: DEFAULT_TASK_LENGTH[task],
    attention: 0,
  };
}

/** How a numeric URL parameter is read: its range and whether it must be an integer. */
interface NumberField {
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
  /** The minimum itself is not allowed (a learning rate of 0). */
  readonly minExclusive?: boolean;
}

const NUMBER_FIELDS = {
  hidden: { min: 1, max: 1024, integer: true },
  layers: { min: 1, max: 8, integer: true },
  heads: { min: 1, max: 64, integer: true },
  batch: { min: 1, max: 512, integer: true },
  seq: { min: 2, max: 1024, integer: true },
  lr: { min: 0, max: 1, integer: false, minExclusive: true },
  weightDecay: { min: 0, max: 10, integer: false },
  clip: { min: 0, max: 1e6, integer: false, minExclusive: true },
  seed: { min: 0, max: 2 ** 31 - 1, integer: true },
  temperature: { min: 0, max: 10, integer: false, minExclusive: true },
  topK: { min: 0, max: 1_000_000, integer: true },
  topP: { min: 0, max: 1, integer: false, minExclusive: true },
  taskLength: { min: 1, max: 1000, integer: true },
  attention: { min: 0, max: 1, integer: true },
} as const satisfies Record<string, NumberField>;

type NumberKey = keyof typeof NUMBER_FIELDS;

/** The URL parameter names, in the order they are written: the order of {@link defaultTrainConfig}'s fields. */
const KEY_ORDER = Object.keys(defaultTrainConfig()) as (keyof TrainConfig)[];

/** Why a URL value was not used. */
export interface ConfigIssue {
  /** The URL parameter. */
  readonly key: string;
  /** What was wrong with it. */
  readonly message: string;
}

/** A config read from a URL and the parameters it could not use (each replaced by the default). */
export interface DecodedConfig {
  /** The config. */
  readonly config: TrainConfig;
  /** Parameters that were out of range, malformed or unknown. */
  readonly issues: readonly ConfigIssue[];
}

function checkNumber(key: NumberKey, raw: string): number | string {
  const field: NumberField = NUMBER_FIELDS[key];
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) return `must be a number; received ${JSON.stringify(raw)}`;
  if (field.integer && !Number.isInteger(value)) return `must be an integer; received ${raw}`;
  const belowMin = field.minExclusive ? value <= field.min : value < field.min;
  if (belowMin || value > field.max) return `must be in ${field.minExclusive ? '(' : '['}${field.min}, ${field.max}]; received ${raw}`;
  return value;
}

function checkChoice<T extends string>(choices: readonly T[], raw: string): T | string {
  return (choices as readonly string[]).includes(raw) ? (raw as T) : `must be one of ${choices.join(', ')}; received ${JSON.stringify(raw)}`;
}

/**
 * Reads a config from URL parameters: the model's defaults ({@link defaultTrainConfig}) for what is absent, and each
 * malformed or out-of-range value replaced by its default and reported in `issues`.
 *
 * @example
 * ```ts
 * const { config, issues } = decodeTrainConfig(new URLSearchParams('model=gru&seed=7&lr=abc'));
 * config.seed; // 7
 * issues[0].key; // "lr"
 * ```
 */
export function decodeTrainConfig(query: URLSearchParams): DecodedConfig {
  const issues: ConfigIssue[] = [];
  const rawModel = query.get('model');
  let model: LanguageModelKind = defaultTrainConfig().model;
  if (rawModel !== null) {
    const checked = checkChoice(LANGUAGE_MODEL_KINDS, rawModel);
    if (checked === rawModel) model = checked as LanguageModelKind;
    else issues.push({ key: 'model', message: checked });
  }
  let task: TaskId = 'charlm';
  const rawTask = query.get('task');
  if (rawTask !== null) {
    const checked = checkChoice(TASKS, rawTask);
    if (checked === rawTask) task = checked as TaskId;
    else issues.push({ key: 'task', message: checked });
  }
  const config: Record<string, unknown> = { ...defaultTrainConfig(model, task) };
  for (const [key, raw] of query) {
    if (key === 'model' || key === 'task') continue;
    if (key === 'backend') {
      const checked = checkChoice(BACKENDS, raw);
      if (checked === raw) config[key] = checked;
      else issues.push({ key, message: checked });
    } else if (key in NUMBER_FIELDS) {
      const checked = checkNumber(key as NumberKey, raw);
      if (typeof checked === 'number') config[key] = checked;
      else issues.push({ key, message: checked });
    }
    // Other parameters belong to the view (its own controls) and are left alone.
  }
  const result = config as unknown as TrainConfig;
  if ((task === 'reversal' || task === 'translation') && result.model === 'transformer') {
    issues.push({ key: 'model', message: `must be rnn, lstm or gru for the sequence-to-sequence task '${task}'; received "transformer"` });
    return { config: { ...result, model: 'gru', layers: DEFAULT_LANGUAGE_MODEL_LAYERS.gru, lr: DEFAULT_LANGUAGE_MODEL_LR.gru }, issues };
  }
  if (result.model === 'transformer' && result.hidden % result.heads !== 0) {
    issues.push({ key: 'heads', message: `must divide hidden (${result.hidden}); received ${result.heads}` });
    return { config: { ...result, heads: 1 }, issues };
  }
  return { config: result, issues };
}

/**
 * Writes `config` as URL parameters, every field in a fixed order, so a copied address reproduces the run even if
 * the defaults change later.
 *
 * @example
 * ```ts
 * encodeTrainConfig(defaultTrainConfig('gru')).get('model'); // "gru"
 * ```
 */
export function encodeTrainConfig(config: TrainConfig): URLSearchParams {
  const query = new URLSearchParams();
  for (const key of KEY_ORDER) query.set(key, String(config[key]));
  return query;
}
