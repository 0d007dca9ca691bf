// Checkpoints as safetensors bytes: model tensors under PyTorch names, optimizer state by parameter name, JSON metadata.
import {
  decodeSafetensors,
  encodeSafetensors,
  Generator,
  SAFETENSORS_DTYPES,
  InvalidArgumentError,
  ShapeMismatchError,
  type DecodedSafetensors,
  type DecodeSafetensorsOptions,
  type GeneratorState,
  type SafetensorsHeader,
  type Tensor,
} from '@seqlab/tensor-core';
import type { Module } from '../nn/module.js';
import type { Hyperparameters, Optimizer, OptimizerStateDict } from '../optim/optimizer.js';
import type { LRScheduler, LRSchedulerState } from '../optim/lr-scheduler.js';
import { corrupt, jsonKind, readJson, readOptimizer, readRng, readScheduler, readStep } from './checkpoint-metadata.js';
import type { NamedOptimizerState, TensorInfo } from './checkpoint-metadata.js';

export type { NamedOptimizerState } from './checkpoint-metadata.js';

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

/** A decoded checkpoint. Fields the checkpoint did not store are null. */
export interface Checkpoint {
  /** Model tensors by PyTorch name (a null-prototype record); pass to `model.loadStateDict`. */
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
 *
 * @example
 * ```ts
 * const model = new Linear(2, 1);
 * const bytes = encodeCheckpoint({ model, step: 100, config: { inFeatures: 2, outFeatures: 1 } });
 * const checkpoint = decodeCheckpoint(bytes);
 * console.assert(checkpoint.step === 100 && 'weight' in checkpoint.modelState);
 * ```
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
    if (!Number.isSafeInteger(contents.step) || contents.step < 0)
      throw new InvalidArgumentError(`encodeCheckpoint: 'step' must be a non-negative integer; received ${String(contents.step)}`);
    metadata.step = String(contents.step);
  }
  if (contents.rng !== undefined) metadata.rng = toJson('rng', contents.rng instanceof Generator ? contents.rng.getState() : contents.rng);
  if (contents.config !== undefined) metadata.config = toJson('config', contents.config);
  if (contents.vocab !== undefined) metadata.vocab = toJson('vocab', contents.vocab);
  return encodeSafetensors(tensors, metadata);
}

/** Metadata checks over named tensors or header entries: the same checks before and after the data is read. */
function readParts<T extends TensorInfo>(fn: string, named: Iterable<[string, T]>, metadata: Record<string, string>) {
  // Null-prototype records and Maps: names from the file are data and never reach an object prototype.
  const modelState: Record<string, T> = Object.create(null);
  const optimizerTensors = new Map<string, T>();
  for (const [name, t] of named) {
    if (name.startsWith(OPTIMIZER_PREFIX)) optimizerTensors.set(name.slice(OPTIMIZER_PREFIX.length), t);
    else modelState[name] = t;
  }
  const optimizer = readOptimizer(fn, metadata, optimizerTensors, modelState, OPTIMIZER_PREFIX);
  return {
    modelState,
    optimizer,
    scheduler: readScheduler(fn, metadata, optimizer?.paramGroups.length),
    step: readStep(fn, metadata),
    rng: readRng(fn, metadata),
    config: readJson(fn, metadata, 'config'),
    vocab: readJson(fn, metadata, 'vocab'),
    metadata,
  };
}

/**
 * Builds a checkpoint from decoded safetensors, validating every metadata value before use (types, ranges, and
 * agreement with the tensors present). Shared by {@link decodeCheckpoint} and `loadCheckpoint`.
 */
export function checkpointOf(fn: string, decoded: DecodedSafetensors): Checkpoint {
  return readParts(
    fn,
    Object.keys(decoded.tensors).map((n) => [n, decoded.tensors[n]] as [string, Tensor]),
    decoded.metadata,
  );
}

/**
 * Runs every check {@link decodeCheckpoint} makes on metadata, names, dtypes and shapes against a safetensors header
 * alone, without reading any tensor data: a header that passes loads unless its tensor bytes are bad. For files that
 * are not seqlab checkpoints (no `seqlab` or `optimizer` metadata key) it checks nothing beyond the header itself.
 *
 * @throws CheckpointCorruptError (code `CHECKPOINT_CORRUPT`) naming the field
 * @example
 * ```ts
 * const { header } = await readCheckpointHeader(path);
 * checkCheckpointHeader(header);
 * ```
 */
export function checkCheckpointHeader(header: SafetensorsHeader): void {
  if (!Object.hasOwn(header.metadata, 'seqlab') && !Object.hasOwn(header.metadata, 'optimizer')) return;
  readParts(
    'checkCheckpointHeader',
    header.entries.map((e) => [e.name, { dtype: SAFETENSORS_DTYPES[e.dtype].target, shape: e.shape }]),
    header.metadata,
  );
}

/**
 * Decodes checkpoint bytes (validating the safetensors header before trusting any offset, then every metadata
 * value: the optimizer's groups, names, fields and shapes, the scheduler, step and random state). Malformed input
 * throws `CheckpointCorruptError` (code `CHECKPOINT_CORRUPT`) naming the field. No name or key from the file ever
 * reaches an object prototype.
 *
 * @param options - the backend to create tensors on; `downcastFloat64` loads F64 tensors as float32
 * @example
 * ```ts
 * const ckpt = decodeCheckpoint(bytes);
 * model.loadStateDict(ckpt.modelState);
 * ```
 */
export function decodeCheckpoint(bytes: Uint8Array, options: DecodeSafetensorsOptions = {}): Checkpoint {
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError(`decodeCheckpoint: argument 'bytes' must be a Uint8Array`);
  return checkpointOf('decodeCheckpoint', decodeSafetensors(bytes, options));
}

const FLOAT_DTYPES: readonly string[] = ['float32', 'float64'];

/** Throws unless each checkpoint tensor is of its parameter's kind (floats for floats): a relabelled dtype is corrupt. */
function checkModelDTypes(modelState: Readonly<Record<string, Tensor>>, model: Module): void {
  for (const [name, target] of Object.entries(model.stateDict())) {
    if (!Object.hasOwn(modelState, name)) continue;
    const source = modelState[name];
    const same = FLOAT_DTYPES.includes(target.dtype) ? FLOAT_DTYPES.includes(source.dtype) : source.dtype === target.dtype;
    if (!same) corrupt('restoreCheckpoint', `tensor '${name}' holds ${source.dtype}; the model's parameter is ${target.dtype}`);
  }
}

/** The hyper-parameter's JSON type, for comparing a stored group with a live one. */
function hyperKind(v: unknown): string {
  return Array.isArray(v) ? `list of ${v.length}` : typeof v;
}

/** Throws unless the stored groups list the optimizer's parameters, group by group, with the same hyper-parameters. */
function checkGroups(stored: NamedOptimizerState, optimizer: Optimizer<Hyperparameters>, names: readonly string[]): void {
  const fn = 'restoreCheckpoint';
  if (stored.paramGroups.length !== optimizer.paramGroups.length) {
    corrupt(fn, `metadata 'optimizer.paramGroups' has ${stored.paramGroups.length} groups; the optimizer has ${optimizer.paramGroups.length}`);
  }
  let offset = 0;
  optimizer.paramGroups.forEach((live, gi) => {
    const { params: storedParams, ...storedHyper } = stored.paramGroups[gi];
    const { params: liveParams, ...liveHyper } = live;
    const expected = names.slice(offset, offset + liveParams.length);
    offset += liveParams.length;
    if (storedParams.length !== expected.length || storedParams.some((n, i) => n !== expected[i])) {
      corrupt(fn, `metadata 'optimizer.paramGroups[${gi}].params' lists ${jsonKind(storedParams)}; the optimizer's group ${gi} holds ${jsonKind(expected)}`);
    }
    const keys = new Set([...Object.keys(storedHyper), ...Object.keys(liveHyper)]);
    for (const k of keys) {
      const [s, l] = [(storedHyper as Hyperparameters)[k], (liveHyper as Hyperparameters)[k]];
      if (hyperKind(s) !== hyperKind(l)) {
        corrupt(fn, `metadata 'optimizer.paramGroups[${gi}].${k}' must be a ${hyperKind(l)} as the optimizer's; received ${jsonKind(s)}`);
      }
    }
  });
}

/** Runs a load whose remaining checks are on the checkpoint's values (ranges, shapes), reporting them as corrupt. */
function asCorrupt(load: () => void): void {
  try {
    load();
  } catch (err) {
    if (err instanceof InvalidArgumentError || err instanceof ShapeMismatchError) corrupt('restoreCheckpoint', err.message);
    throw err;
  }
}

/**
 * Loads a decoded checkpoint into live objects: model tensors (strict by default; each of its parameter's dtype
 * kind), optimizer state (matched to the optimizer's parameters by their names in `model`, groups and
 * hyper-parameters checked against the optimizer's), scheduler position and generator state. The optimizer then
 * continues exactly where the saved run stopped. A checkpoint that disagrees with the targets throws
 * `CheckpointCorruptError` naming the field.
 *
 * @example
 * ```ts
 * restoreCheckpoint(decodeCheckpoint(bytes), { model, optimizer, generator });
 * ```
 */
export function restoreCheckpoint(checkpoint: Checkpoint, targets: RestoreTargets): void {
  if (targets.model !== undefined) {
    checkModelDTypes(checkpoint.modelState, targets.model);
    targets.model.loadStateDict(checkpoint.modelState, { strict: targets.strict ?? true });
  }
  if (targets.optimizer !== undefined) {
    if (checkpoint.optimizer === null) throw new InvalidArgumentError(`restoreCheckpoint: the checkpoint holds no optimizer state`);
    const names = parameterNames(targets.model, targets.optimizer);
    checkGroups(checkpoint.optimizer, targets.optimizer, names);
    const position = new Map(names.map((n, i) => [n, i]));
    const toPosition = (name: string): number => {
      const i = position.get(name);
      if (i === undefined) corrupt('restoreCheckpoint', `the checkpoint has optimizer state for '${name}', which is not a parameter of the optimizer`);
      return i;
    };
    const dict: OptimizerStateDict = {
      type: checkpoint.optimizer.type,
      paramGroups: checkpoint.optimizer.paramGroups.map((g) => ({ ...g, params: g.params.map(toPosition) })),
      state: Object.fromEntries(Object.keys(checkpoint.optimizer.state).map((n) => [toPosition(n), { ...checkpoint.optimizer!.state[n] }])),
    };
    asCorrupt(() => targets.optimizer!.loadStateDict(dict));
  }
  if (targets.scheduler !== undefined) {
    if (checkpoint.scheduler === null) throw new InvalidArgumentError(`restoreCheckpoint: the checkpoint holds no scheduler state`);
    asCorrupt(() => targets.scheduler!.loadStateDict(checkpoint.scheduler!));
  }
  if (targets.generator !== undefined) {
    if (checkpoint.rng === null) throw new InvalidArgumentError(`restoreCheckpoint: the checkpoint holds no random state`);
    targets.generator.setState(checkpoint.rng);
  }
}
