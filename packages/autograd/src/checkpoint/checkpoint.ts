// Checkpoints as safetensors bytes: model tensors under PyTorch names, optimizer state by parameter name, JSON metadata.
import {
  CheckpointCorruptError,
  decodeSafetensors,
  encodeSafetensors,
  Generator,
  InvalidArgumentError,
  type GeneratorState,
  type Tensor,
} from '@seqlab/tensor-core';
import type { Module } from '../nn/module.js';
import type { Hyperparameters, Optimizer, OptimizerStateDict, ParamState } from '../optim/optimizer.js';
import type { LRScheduler, LRSchedulerState } from '../optim/lr-scheduler.js';

/** What a checkpoint can hold; every field is optional. */
export interface CheckpointContents {
  /** The model: its state dict is stored under PyTorch `state_dict` names, without a prefix. */
  model?: Module;
  /** The optimizer: state tensors as `optimizer.state.<parameter name>.<field>`, the rest in metadata. */
  optimizer?: Optimizer<Hyperparameters>;
  /** A learning-rate scheduler whose position is saved. */
  scheduler?: LRScheduler;
  /** The training step. */
  step?: number;
  /** Random state to resume from: a generator (its current state is saved) or a saved state. */
  rng?: Generator | GeneratorState;
  /** The model configuration (any JSON value), so the model can be rebuilt before loading. */
  config?: unknown;
  /** The vocabulary (any JSON value, e.g. a token list). */
  vocab?: unknown;
  /** Extra metadata strings, stored as given. */
  metadata?: Record<string, string>;
}

/** Optimizer state keyed by parameter name rather than position, as stored in a checkpoint. */
export interface NamedOptimizerState {
  /** Optimizer kind, e.g. `AdamW`. */
  readonly type: string;
  /** Hyper-parameters of each group, with the names of its parameters. */
  readonly paramGroups: (Hyperparameters & {
    /** Names of the group's parameters. */
    params: string[];
  })[];
  /** Per-parameter state by parameter name. */
  readonly state: Record<string, ParamState>;
}

/** A decoded checkpoint. Fields the checkpoint did not store are null. */
export interface Checkpoint {
  /** Model tensors by PyTorch name; pass to `model.loadStateDict`. */
  readonly modelState: Record<string, Tensor>;
  /** Optimizer state by parameter name. */
  readonly optimizer: NamedOptimizerState | null;
  /** Scheduler position. */
  readonly scheduler: LRSchedulerState | null;
  /** Training step. */
  readonly step: number | null;
  /** Saved random state (`Generator.fromState(rng)` continues it). */
  readonly rng: GeneratorState | null;
  /** The model configuration. */
  readonly config: unknown;
  /** The vocabulary. */
  readonly vocab: unknown;
  /** Every `__metadata__` string, including the extra ones. */
  readonly metadata: Record<string, string>;
}

/** Where to restore a checkpoint to; see {@link restoreCheckpoint}. */
export interface RestoreTargets {
  /** Receives the model tensors. */
  model?: Module;
  /** Receives the optimizer state (needs `model` to match parameter names). */
  optimizer?: Optimizer<Hyperparameters>;
  /** Receives the scheduler position. */
  scheduler?: LRScheduler;
  /** Receives the random state. */
  generator?: Generator;
  /** Strict model loading (default true): missing or unexpected model keys are errors. */
  strict?: boolean;
}

const OPTIMIZER_PREFIX = 'optimizer.state.';
const RESERVED = ['format', 'seqlab', 'step', 'rng', 'config', 'vocab', 'optimizer', 'scheduler'];

/** Name of each optimizer parameter: its model name, or `#<position>` for a parameter the model does not hold. */
function parameterNames(model: Module | undefined, optimizer: Optimizer<Hyperparameters>): string[] {
  const names = new Map<Tensor, string>();
  if (model !== undefined) for (const [name, p] of model.namedParameters()) names.set(p, name);
  return optimizer.params().map((p, i) => names.get(p) ?? `#${i}`);
}

function toJson(what: string, value: unknown): string {
  try {
    const text = JSON.stringify(value);
    if (text === undefined) throw new Error('not representable');
    return text;
  } catch (e) {
    throw new InvalidArgumentError(`encodeCheckpoint: '${what}' must be JSON-serialisable (${(e as Error).message})`);
  }
}

/**
 * Encodes a checkpoint as safetensors bytes. Model tensors keep their PyTorch names (so
 * `model.load_state_dict(load_file(path), strict=False)` works in Python); optimizer state tensors are named
 * `optimizer.state.<parameter name>.<field>` (e.g. `optimizer.state.fc.weight.exp_avg`); `__metadata__` holds JSON
 * strings for `step`, `rng`, `config`, `vocab`, `optimizer` (type, hyper-parameters, scalar state) and `scheduler`.
 */
export function encodeCheckpoint(contents: CheckpointContents): Uint8Array {
  if (typeof contents !== 'object' || contents === null) throw new InvalidArgumentError(`encodeCheckpoint: argument 'contents' must be an object`);
  const tensors: Record<string, Tensor> = {};
  const metadata: Record<string, string> = { format: 'pt', seqlab: '1' };
  for (const [key, value] of Object.entries(contents.metadata ?? {})) {
    if (RESERVED.includes(key)) throw new InvalidArgumentError(`encodeCheckpoint: metadata key '${key}' is reserved (${RESERVED.join(', ')})`);
    if (typeof value !== 'string') throw new InvalidArgumentError(`encodeCheckpoint: metadata '${key}' must be a string; received ${typeof value}`);
    metadata[key] = value;
  }
  if (contents.model !== undefined) Object.assign(tensors, contents.model.stateDict());
  if (contents.optimizer !== undefined) {
    const dict = contents.optimizer.stateDict();
    const names = parameterNames(contents.model, contents.optimizer);
    const scalars: Record<string, Record<string, number>> = {};
    for (const [position, s] of Object.entries(dict.state)) {
      const name = names[Number(position)];
      for (const [field, value] of Object.entries(s)) {
        if (typeof value === 'number') (scalars[name] ??= {})[field] = value;
        else tensors[`${OPTIMIZER_PREFIX}${name}.${field}`] = value;
      }
    }
    const paramGroups = dict.paramGroups.map((g) => ({ ...g, params: g.params.map((i) => names[i]) }));
    metadata.optimizer = toJson('optimizer', { type: dict.type, paramGroups, scalars });
  }
  if (contents.scheduler !== undefined) metadata.scheduler = toJson('scheduler', contents.scheduler.stateDict());
  if (contents.step !== undefined) {
    if (!Number.isSafeInteger(contents.step) || contents.step < 0) throw new InvalidArgumentError(`encodeCheckpoint: 'step' must be a non-negative integer; received ${String(contents.step)}`);
    metadata.step = String(contents.step);
  }
  if (contents.rng !== undefined) metadata.rng = toJson('rng', contents.rng instanceof Generator ? contents.rng.getState() : contents.rng);
  if (contents.config !== undefined) metadata.config = toJson('config', contents.config);
  if (contents.vocab !== undefined) metadata.vocab = toJson('vocab', contents.vocab);
  return encodeSafetensors(tensors, metadata);
}

function parseJson(metadata: Record<string, string>, key: string): unknown {
  const text = metadata[key];
  if (text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new CheckpointCorruptError(`decodeCheckpoint: metadata '${key}' is not valid JSON`);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Decodes checkpoint bytes (validating the safetensors header before trusting any offset). Malformed input throws
 * `CheckpointCorruptError` (code `CHECKPOINT_CORRUPT`).
 */
export function decodeCheckpoint(bytes: Uint8Array, options: { backend?: string } = {}): Checkpoint {
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError(`decodeCheckpoint: argument 'bytes' must be a Uint8Array`);
  const { tensors, metadata } = decodeSafetensors(bytes, options);
  const modelState: Record<string, Tensor> = {};
  const optimizerTensors: [string, Tensor][] = [];
  for (const [name, t] of Object.entries(tensors)) {
    if (name.startsWith(OPTIMIZER_PREFIX)) optimizerTensors.push([name.slice(OPTIMIZER_PREFIX.length), t]);
    else modelState[name] = t;
  }
  let optimizer: NamedOptimizerState | null = null;
  const rawOptimizer = parseJson(metadata, 'optimizer');
  if (rawOptimizer !== null) {
    if (!isRecord(rawOptimizer) || typeof rawOptimizer.type !== 'string' || !Array.isArray(rawOptimizer.paramGroups) || !isRecord(rawOptimizer.scalars)) {
      throw new CheckpointCorruptError(`decodeCheckpoint: metadata 'optimizer' must be { type, paramGroups, scalars }`);
    }
    const paramGroups = rawOptimizer.paramGroups as NamedOptimizerState['paramGroups'];
    const names = new Set<string>();
    for (const g of paramGroups) {
      if (!isRecord(g) || !Array.isArray(g.params) || !g.params.every((n) => typeof n === 'string')) {
        throw new CheckpointCorruptError(`decodeCheckpoint: every optimizer parameter group must list its parameter names`);
      }
      for (const n of g.params) names.add(n);
    }
    const state: Record<string, ParamState> = {};
    for (const [name, fields] of Object.entries(rawOptimizer.scalars)) {
      if (!names.has(name) || !isRecord(fields) || !Object.values(fields).every((v) => typeof v === 'number')) {
        throw new CheckpointCorruptError(`decodeCheckpoint: optimizer scalars for '${name}' do not match a parameter of the optimizer`);
      }
      state[name] = { ...(fields as Record<string, number>) };
    }
    for (const [key, t] of optimizerTensors) {
      // The parameter name itself may contain dots; the field is the last component.
      const dot = key.lastIndexOf('.');
      const name = key.slice(0, dot);
      if (dot <= 0 || !names.has(name)) throw new CheckpointCorruptError(`decodeCheckpoint: tensor '${OPTIMIZER_PREFIX}${key}' names no parameter of the optimizer`);
      (state[name] ??= {})[key.slice(dot + 1)] = t;
    }
    optimizer = { type: rawOptimizer.type, paramGroups, state };
  } else if (optimizerTensors.length > 0) {
    throw new CheckpointCorruptError(`decodeCheckpoint: optimizer state tensors without the 'optimizer' metadata`);
  }
  const rawScheduler = parseJson(metadata, 'scheduler');
  if (rawScheduler !== null && (!isRecord(rawScheduler) || !Number.isInteger(rawScheduler.lastStep) || !Array.isArray(rawScheduler.baseLrs))) {
    throw new CheckpointCorruptError(`decodeCheckpoint: metadata 'scheduler' must be { lastStep, baseLrs }`);
  }
  let step: number | null = null;
  if (metadata.step !== undefined) {
    step = Number(metadata.step);
    if (!Number.isSafeInteger(step) || step < 0) throw new CheckpointCorruptError(`decodeCheckpoint: metadata 'step' must be a non-negative integer; received ${JSON.stringify(metadata.step)}`);
  }
  const rng = parseJson(metadata, 'rng');
  if (rng !== null) {
    try {
      Generator.fromState(rng as GeneratorState);
    } catch {
      throw new CheckpointCorruptError(`decodeCheckpoint: metadata 'rng' is not a generator state`);
    }
  }
  return {
    modelState,
    optimizer,
    scheduler: rawScheduler as LRSchedulerState | null,
    step,
    rng: rng as GeneratorState | null,
    config: parseJson(metadata, 'config'),
    vocab: parseJson(metadata, 'vocab'),
    metadata,
  };
}

/**
 * Loads a decoded checkpoint into live objects: model tensors (strict by default), optimizer state (matched to the
 * optimizer's parameters by their names in `model`), scheduler position and generator state. The optimizer then
 * continues exactly where the saved run stopped.
 */
export function restoreCheckpoint(checkpoint: Checkpoint, targets: RestoreTargets): void {
  if (targets.model !== undefined) targets.model.loadStateDict(checkpoint.modelState, { strict: targets.strict ?? true });
  if (targets.optimizer !== undefined) {
    if (checkpoint.optimizer === null) throw new InvalidArgumentError(`restoreCheckpoint: the checkpoint holds no optimizer state`);
    const names = parameterNames(targets.model, targets.optimizer);
    const position = new Map(names.map((n, i) => [n, i]));
    const toPosition = (name: string): number => {
      const i = position.get(name);
      if (i === undefined) throw new InvalidArgumentError(`restoreCheckpoint: the checkpoint has optimizer state for '${name}', which is not a parameter of the optimizer`);
      return i;
    };
    const dict: OptimizerStateDict = {
      type: checkpoint.optimizer.type,
      paramGroups: checkpoint.optimizer.paramGroups.map((g) => ({ ...g, params: g.params.map(toPosition) })),
      state: Object.fromEntries(Object.entries(checkpoint.optimizer.state).map(([n, s]) => [toPosition(n), s])),
    };
    targets.optimizer.loadStateDict(dict);
  }
  if (targets.scheduler !== undefined) {
    if (checkpoint.scheduler === null) throw new InvalidArgumentError(`restoreCheckpoint: the checkpoint holds no scheduler state`);
    targets.scheduler.loadStateDict(checkpoint.scheduler);
  }
  if (targets.generator !== undefined) {
    if (checkpoint.rng === null) throw new InvalidArgumentError(`restoreCheckpoint: the checkpoint holds no random state`);
    targets.generator.setState(checkpoint.rng);
  }
}
