// Checking a checkpoint's metadata before anything uses it: JSON without prototype keys, ranges, and agreement with the tensors.
import { CheckpointCorruptError, formatShape, Generator, shapesEqual, type GeneratorState, type Tensor } from '@seqlab/tensor-core';
import type { LRSchedulerState } from '../optim/lr-scheduler.js';
import type { Hyperparameters } from '../optim/optimizer.js';
import { optimizerStateFields } from '../optim/state-fields.js';

/** Optimizer state keyed by parameter name rather than position, as stored in a checkpoint. */
export interface NamedOptimizerState<T = Tensor> {
  /** Optimizer kind, e.g. `AdamW`. */
  readonly type: string;
  /** Hyper-parameters of each group, with the names of its parameters. */
  readonly paramGroups: (Hyperparameters & {
    /** Names of the group's parameters. */
    params: string[];
  })[];
  /** Per-parameter state by parameter name (a null-prototype record). */
  readonly state: Record<string, Record<string, T | number>>;
}

/** What the checks need of a tensor: a decoded Tensor, or a header entry's dtype and shape before any data is read. */
export interface TensorInfo {
  /** The seqlab dtype it loads as. */
  readonly dtype: string;
  /** Its shape. */
  readonly shape: readonly number[];
}

/** Throws `CheckpointCorruptError` with `fn` as the message's prefix. */
export function corrupt(fn: string, message: string): never {
  throw new CheckpointCorruptError(`${fn}: ${message}`);
}

/** A short description of a JSON value for messages. */
export function jsonKind(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** True for a plain JSON object (not an array, not null). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Keys no JSON object from a file may hold: assigning or merging them elsewhere would reach a prototype. */
const PROTOTYPE_KEYS = new Set(['__proto__']);

/**
 * Parses metadata `key` (own keys only: a missing key is null) as JSON, rejecting any object key `__proto__`
 * anywhere inside (seqlab never writes one; merging such an object with `Object.assign` would set a prototype).
 */
export function readJson(fn: string, metadata: Record<string, string>, key: string): unknown {
  if (!Object.hasOwn(metadata, key)) return null;
  let value: unknown;
  try {
    value = JSON.parse(metadata[key]);
  } catch {
    corrupt(fn, `metadata '${key}' is not valid JSON`);
  }
  // An explicit stack: deeply nested JSON must not overflow the call stack.
  const stack: [unknown, string][] = [[value, key]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, `${path}[${i}]`]));
    else if (isRecord(v)) {
      for (const k of Object.keys(v)) {
        if (PROTOTYPE_KEYS.has(k)) corrupt(fn, `metadata '${path}' holds the key '${k}', which no checkpoint may contain`);
        stack.push([v[k], `${path}.${k}`]);
      }
    }
  }
  return value;
}

/** The training step: a non-negative integer, or null when absent. */
export function readStep(fn: string, metadata: Record<string, string>): number | null {
  if (!Object.hasOwn(metadata, 'step')) return null;
  const step = Number(metadata.step);
  if (!/^\d+$/.test(metadata.step) || !Number.isSafeInteger(step)) {
    corrupt(fn, `metadata 'step' must be a non-negative integer; received ${JSON.stringify(metadata.step)}`);
  }
  return step;
}

/** The saved random state, checked by `Generator.fromState`. */
export function readRng(fn: string, metadata: Record<string, string>): GeneratorState | null {
  const rng = readJson(fn, metadata, 'rng');
  if (rng === null) return null;
  try {
    Generator.fromState(rng as GeneratorState);
  } catch {
    corrupt(fn, `metadata 'rng' is not a generator state; received ${jsonKind(rng)}`);
  }
  return rng as GeneratorState;
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The scheduler position: `lastStep` a non-negative integer, `baseLrs` finite non-negative numbers. */
export function readScheduler(fn: string, metadata: Record<string, string>, groups: number | undefined): LRSchedulerState | null {
  const raw = readJson(fn, metadata, 'scheduler');
  if (raw === null) return null;
  if (!isRecord(raw)) corrupt(fn, `metadata 'scheduler' must be { lastStep, baseLrs }; received ${jsonKind(raw)}`);
  if (!Number.isSafeInteger(raw.lastStep) || (raw.lastStep as number) < 0) {
    corrupt(fn, `metadata 'scheduler.lastStep' must be a non-negative integer; received ${jsonKind(raw.lastStep)}`);
  }
  const lrs = raw.baseLrs;
  if (!Array.isArray(lrs) || !lrs.every((x) => isFiniteNumber(x) && x >= 0)) {
    corrupt(fn, `metadata 'scheduler.baseLrs' must be a list of finite numbers ≥ 0; received ${jsonKind(lrs)}`);
  }
  if (groups !== undefined && lrs.length !== groups) {
    corrupt(fn, `metadata 'scheduler.baseLrs' has ${lrs.length} learning rates; the optimizer has ${groups} parameter groups`);
  }
  return { lastStep: raw.lastStep as number, baseLrs: [...(lrs as number[])] };
}

/** A hyper-parameter value as optimizers hold them: a finite number, a boolean, or a list of finite numbers. */
function isHyperparameter(v: unknown): boolean {
  return isFiniteNumber(v) || typeof v === 'boolean' || (Array.isArray(v) && v.every(isFiniteNumber));
}

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A state field name as optimizers write them (`exp_avg`), never a prototype key. */
const isFieldName = (field: string): boolean => FIELD_NAME.test(field) && !PROTOTYPE_KEYS.has(field);

function readGroups(fn: string, raw: unknown): { paramGroups: NamedOptimizerState['paramGroups']; groupOf: Map<string, number> } {
  if (!Array.isArray(raw) || raw.length === 0) corrupt(fn, `metadata 'optimizer.paramGroups' must be a non-empty list; received ${jsonKind(raw)}`);
  const groupOf = new Map<string, number>();
  const paramGroups = raw.map((g, gi) => {
    const where = `optimizer.paramGroups[${gi}]`;
    if (!isRecord(g) || !Array.isArray(g.params)) corrupt(fn, `metadata '${where}' must be an object with a 'params' list of names; received ${jsonKind(g)}`);
    const group: Hyperparameters = {};
    for (const [k, v] of Object.entries(g)) {
      if (k === 'params') continue;
      if (!isHyperparameter(v)) corrupt(fn, `metadata '${where}.${k}' must be a finite number, a boolean or a list of finite numbers; received ${jsonKind(v)}`);
      group[k] = v;
    }
    const params = g.params.map((n, pi) => {
      if (typeof n !== 'string' || n === '') corrupt(fn, `metadata '${where}.params[${pi}]' must be a parameter name; received ${jsonKind(n)}`);
      if (groupOf.has(n)) corrupt(fn, `metadata 'optimizer.paramGroups' lists parameter '${n}' twice`);
      groupOf.set(n, gi);
      return n;
    });
    return { ...group, params };
  });
  return { paramGroups, groupOf };
}

function sameFields(actual: Iterable<string>, expected: readonly string[]): boolean {
  const a = [...actual].sort();
  const e = [...expected].sort();
  return a.length === e.length && a.every((x, i) => x === e[i]);
}

/**
 * The optimizer state: metadata `optimizer` ({ type, paramGroups, scalars }) plus the `optimizer.state.*` tensors
 * (`stateTensors`, keyed by `<parameter name>.<field>`). Every name must be a parameter the groups list; every state
 * tensor holds floats of its parameter's shape (when the model's tensor is present); a built-in optimizer's
 * parameters hold exactly the fields it keeps.
 */
export function readOptimizer<T extends TensorInfo>(
  fn: string,
  metadata: Record<string, string>,
  stateTensors: ReadonlyMap<string, T>,
  modelState: Readonly<Record<string, TensorInfo>>,
  prefix: string,
): NamedOptimizerState<T> | null {
  const raw = readJson(fn, metadata, 'optimizer');
  if (raw === null) {
    if (stateTensors.size > 0) corrupt(fn, `optimizer state tensors without the 'optimizer' metadata`);
    return null;
  }
  if (!isRecord(raw)) corrupt(fn, `metadata 'optimizer' must be { type, paramGroups, scalars }; received ${jsonKind(raw)}`);
  const { type, scalars } = raw;
  if (typeof type !== 'string' || type === '') corrupt(fn, `metadata 'optimizer.type' must be an optimizer name; received ${jsonKind(type)}`);
  if (!isRecord(scalars)) corrupt(fn, `metadata 'optimizer.scalars' must be an object of per-parameter numbers; received ${jsonKind(scalars)}`);
  const { paramGroups, groupOf } = readGroups(fn, raw.paramGroups);
  const state: Record<string, Record<string, T | number>> = Object.create(null);
  const stateOf = (name: string): Record<string, T | number> => (state[name] ??= Object.create(null) as Record<string, T | number>);
  for (const [name, fields] of Object.entries(scalars)) {
    if (!groupOf.has(name)) corrupt(fn, `metadata 'optimizer.scalars' has state for '${name}', which no parameter group lists`);
    if (!isRecord(fields)) corrupt(fn, `metadata 'optimizer.scalars.${name}' must be an object of numbers; received ${jsonKind(fields)}`);
    for (const [field, v] of Object.entries(fields)) {
      const where = `optimizer.scalars.${name}.${field}`;
      if (!isFieldName(field)) corrupt(fn, `metadata '${where}': '${field}' is not a state field name`);
      if (!isFiniteNumber(v)) corrupt(fn, `metadata '${where}' must be a finite number; received ${jsonKind(v)}`);
      if (field === 'step' && (!Number.isSafeInteger(v) || v < 0)) corrupt(fn, `metadata '${where}' must be a non-negative integer; received ${v}`);
      stateOf(name)[field] = v;
    }
  }
  for (const [key, t] of stateTensors) {
    const dot = key.lastIndexOf('.');
    const name = key.slice(0, Math.max(dot, 0));
    const field = key.slice(dot + 1);
    if (dot <= 0 || !groupOf.has(name)) corrupt(fn, `tensor '${prefix}${key}' names no parameter of the optimizer`);
    if (!isFieldName(field)) corrupt(fn, `tensor '${prefix}${key}': '${field}' is not a state field name`);
    const s = stateOf(name);
    if (field in s) corrupt(fn, `optimizer state '${field}' of '${name}' is stored both as a number and as tensor '${prefix}${key}'`);
    if (t.dtype !== 'float32' && t.dtype !== 'float64') corrupt(fn, `tensor '${prefix}${key}' must hold floats; received ${t.dtype}`);
    const param = Object.hasOwn(modelState, name) ? modelState[name] : undefined;
    if (param !== undefined && !shapesEqual(param.shape, t.shape)) {
      corrupt(fn, `tensor '${prefix}${key}' has shape ${formatShape(t.shape)}; parameter '${name}' has ${formatShape(param.shape)}`);
    }
    s[field] = t;
  }
  for (const name of Object.keys(state)) {
    const expected = optimizerStateFields(type, paramGroups[groupOf.get(name)!]);
    if (expected === undefined) continue;
    const s = state[name];
    const numbers = Object.keys(s).filter((f) => typeof s[f] === 'number');
    const tensors = Object.keys(s).filter((f) => typeof s[f] !== 'number');
    if (!sameFields(numbers, expected.numbers) || !sameFields(tensors, expected.tensors)) {
      const list = (xs: readonly string[]): string => (xs.length === 0 ? 'none' : xs.join(', '));
      corrupt(
        fn,
        `optimizer state of '${name}' must hold numbers [${list(expected.numbers)}] and tensors [${list(expected.tensors)}], as ${type} keeps with ` +
          `these options; it holds numbers [${list(numbers)}] and tensors [${list(tensors)}]`,
      );
    }
  }
  return { type, paramGroups, state };
}
