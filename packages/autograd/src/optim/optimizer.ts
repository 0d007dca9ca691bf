// Optimizer base: parameter groups with their hyper-parameters, per-parameter state, zeroGrad, and state dicts.
import { formatShape, InvalidArgumentError, ShapeMismatchError, shapesEqual, Tensor, tensor } from '@seqlab/tensor-core';
import { noGrad } from '../engine/grad-mode.js';

/** Hyper-parameters of a group: JSON-serialisable values such as `lr` (a number) or `betas` (a number pair). */
export type Hyperparameters = Record<string, unknown>;

/** A group of parameters sharing hyper-parameters; schedulers change `lr` here. */
export type ParamGroup<H extends Hyperparameters> = H & {
  /** The parameters this group updates. */
  params: Tensor[];
};

/** A parameter group as given to a constructor: parameters plus optional per-group overrides. */
export type ParamGroupInput<H extends Hyperparameters> = Partial<H> & {
  /** The parameters of the group. */
  params: Iterable<Tensor>;
};

/** What an optimizer keeps per parameter: tensors (moment buffers) and numbers (step counts). */
export type ParamState = Record<string, Tensor | number>;

/**
 * A serialisable snapshot of an optimizer, in PyTorch's layout: per-parameter state keyed by the parameter's
 * position across all groups, and the groups' hyper-parameters with their parameter positions.
 */
export interface OptimizerStateDict {
  /** Optimizer kind, e.g. `Adam`; loading checks it. */
  readonly type: string;
  /** State of each parameter that has any, by position. */
  readonly state: Record<number, ParamState>;
  /** Hyper-parameters of each group, with `params` listing parameter positions. */
  readonly paramGroups: (Hyperparameters & {
    /** Positions of the group's parameters in `Optimizer.parameters()` order. */
    params: number[];
  })[];
}

function isTensorIterable(value: unknown): value is Iterable<Tensor> {
  return typeof value === 'object' && value !== null && Symbol.iterator in value;
}

/**
 * Base of the optimizers, with PyTorch semantics: parameters come as one list or as groups with their own
 * hyper-parameters; `step()` updates every parameter that has a `.grad` (others are skipped) without recording,
 * replacing its values in place with `assign`; `zeroGrad()` clears the gradients.
 *
 * @example
 * ```ts
 * // Plain gradient descent: p −= lr·grad.
 * class PlainSGD extends Optimizer<{ lr: number }> {
 *   constructor(params: Iterable<Tensor>, lr: number) {
 *     super(params, { lr });
 *   }
 *   protected validate(group: ParamGroup<{ lr: number }>): void {
 *     checkHyper('PlainSGD', 'lr', group.lr, 0);
 *   }
 *   protected update(param: Tensor, grad: Tensor, group: ParamGroup<{ lr: number }>): void {
 *     param.assign(sub(param, mul(grad, group.lr)));
 *   }
 * }
 * const w = tensor([1, 2]).requiresGrad_();
 * const opt = new PlainSGD([w], 0.25);
 * sum(mul(w, w)).backward(); // grad 2w
 * opt.step();
 * console.assert(Array.from(w.dataSync()).join() === '0.5,1');
 * ```
 */
export abstract class Optimizer<H extends Hyperparameters> {
  /** The parameter groups. Changing `group.lr` takes effect at the next step. */
  readonly paramGroups: ParamGroup<H>[];
  /** Per-parameter state, created at a parameter's first update. */
  protected readonly state = new Map<Tensor, ParamState>();

  /**
   * The optimizer's name in state dicts and messages. The library's optimizers write theirs out (`'AdamW'`, ...), so a
   * minified bundle, which renames classes, still writes and reads the names PyTorch-style checkpoints carry; a
   * subclass of your own gets its class name unless it overrides this.
   */
  get typeName(): string {
    return this.constructor.name;
  }

  constructor(params: Iterable<Tensor> | readonly ParamGroupInput<H>[], defaults: H) {
    const list = [...(params as Iterable<unknown>)];
    const groups: ParamGroupInput<H>[] =
      list.length > 0 && !(list[0] instanceof Tensor) ? (list as ParamGroupInput<H>[]) : [{ params: list as Tensor[] } as unknown as ParamGroupInput<H>];
    const seen = new Set<Tensor>();
    this.paramGroups = groups.map((g, gi) => {
      if (typeof g !== 'object' || g === null || !isTensorIterable(g.params)) {
        throw new InvalidArgumentError(`${this.typeName}: parameter group ${gi} must be { params: Tensor[], ...options }`);
      }
      const ps = [...g.params];
      ps.forEach((p, i) => {
        if (!(p instanceof Tensor)) throw new InvalidArgumentError(`${this.typeName}: parameter ${i} of group ${gi} must be a Tensor; received ${typeof p}`);
        if (seen.has(p)) throw new InvalidArgumentError(`${this.typeName}: a parameter appears twice (group ${gi}, position ${i}); give each parameter once`);
        seen.add(p);
      });
      const { params: _ignored, ...overrides } = g;
      const group = { ...defaults, ...overrides, params: ps } as ParamGroup<H>;
      this.validate(group);
      return group;
    });
    if (seen.size === 0) throw new InvalidArgumentError(`${this.typeName}: the optimizer got an empty parameter list`);
  }

  /** Checks a group's hyper-parameters; subclasses throw typed errors naming the option. */
  protected abstract validate(group: ParamGroup<H>): void;

  /** Computes and assigns the new value of one parameter (runs with recording off). */
  protected abstract update(param: Tensor, grad: Tensor, group: ParamGroup<H>, state: ParamState): void;

  /** Updates every parameter that has a gradient. */
  step(): void {
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (p.grad === null) continue;
          let s = this.state.get(p);
          if (s === undefined) {
            s = {};
            this.state.set(p, s);
          }
          this.update(p, p.grad, group, s);
        }
      }
    });
  }

  /** Clears the gradients of every parameter (sets them to null, PyTorch's default). */
  zeroGrad(): void {
    for (const group of this.paramGroups) for (const p of group.params) p.grad = null;
  }

  /** Every parameter, in group order (the positions used by {@link stateDict}). */
  params(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /**
   * The state of one parameter (empty before its first update): a copy of the record whose tensors are snapshots
   * (views of the state's storages that keep their values when later steps replace the state).
   */
  stateOf(param: Tensor): ParamState {
    return snapshot(this.state.get(param) ?? {});
  }

  /** A snapshot of hyper-parameters and state, for checkpoints. */
  stateDict(): OptimizerStateDict {
    const positions = new Map<Tensor, number>();
    this.params().forEach((p, i) => positions.set(p, i));
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) state[positions.get(p) as number] = snapshot(s);
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...hp } = g;
      return { ...(hp as unknown as Hyperparameters), params: params.map((p) => positions.get(p) as number) };
    });
    return { type: this.typeName, state, paramGroups };
  }

  /**
   * Restores hyper-parameters and state from {@link stateDict} (of an optimizer over the same parameters in the
   * same order). State tensors are converted to each parameter's dtype and backend.
   */
  loadStateDict(dict: OptimizerStateDict): void {
    const name = this.typeName;
    if (typeof dict !== 'object' || dict === null || !Array.isArray(dict.paramGroups) || typeof dict.state !== 'object') {
      throw new InvalidArgumentError(`${name}.loadStateDict: argument 'dict' must be an optimizer state dict { type, state, paramGroups }`);
    }
    if (dict.type !== name) throw new InvalidArgumentError(`${name}.loadStateDict: the state dict is of a ${String(dict.type)} optimizer, not ${name}`);
    if (dict.paramGroups.length !== this.paramGroups.length) {
      throw new InvalidArgumentError(
        `${name}.loadStateDict: the state dict has ${dict.paramGroups.length} parameter groups; this optimizer has ${this.paramGroups.length}`,
      );
    }
    dict.paramGroups.forEach((g, i) => {
      if (!Array.isArray(g.params) || g.params.length !== this.paramGroups[i].params.length) {
        throw new InvalidArgumentError(
          `${name}.loadStateDict: group ${i} of the state dict has ${Array.isArray(g.params) ? g.params.length : 'no'} parameters; this optimizer's has ${this.paramGroups[i].params.length}`,
        );
      }
    });
    const params = this.params();
    const restored = new Map<Tensor, ParamState>();
    for (const [key, s] of Object.entries(dict.state)) {
      const index = Number(key);
      const p = params[index];
      if (!Number.isInteger(index) || p === undefined) {
        throw new InvalidArgumentError(`${name}.loadStateDict: state for parameter position ${key}, but the optimizer has ${params.length} parameters`);
      }
      const copy: ParamState = {};
      for (const [field, value] of Object.entries(s)) {
        if (value instanceof Tensor) {
          if (!shapesEqual(value.shape, p.shape)) {
            throw new ShapeMismatchError(
              `${name}.loadStateDict: state '${field}' of parameter ${index} has shape ${formatShape(value.shape)}; the parameter has ${formatShape(p.shape)}`,
            );
          }
          // An alias, so that the optimizer may dispose its state tensors without touching the caller's.
          copy[field] =
            value.dtype === p.dtype && value.backend === p.backend
              ? value.alias()
              : tensor(value.dataSync(), [...p.shape], { dtype: p.dtype, backend: p.backendName });
        } else if (typeof value === 'number') copy[field] = value;
        else throw new InvalidArgumentError(`${name}.loadStateDict: state '${field}' of parameter ${index} must be a Tensor or a number`);
      }
      restored.set(p, copy);
    }
    dict.paramGroups.forEach((g, i) => {
      const { params: _positions, ...hp } = g;
      const group = { ...this.paramGroups[i], ...hp, params: this.paramGroups[i].params } as ParamGroup<H>;
      this.validate(group);
      Object.assign(this.paramGroups[i], group);
    });
    this.state.clear();
    for (const [p, s] of restored) this.state.set(p, s);
  }
}

// A copy of a state record with each tensor replaced by an alias: callers keep values, the optimizer keeps ownership.
function snapshot(s: ParamState): ParamState {
  const out: ParamState = {};
  for (const [field, value] of Object.entries(s)) out[field] = value instanceof Tensor ? value.alias() : value;
  return out;
}

/**
 * Throws unless `value` is a finite number ≥ `min` (and < `below`, when given), naming the option.
 *
 * @example
 * ```ts
 * checkHyper('MyOptimizer', 'lr', 0.1, 0); // a finite number ≥ 0: passes
 * try {
 *   checkHyper('MyOptimizer', 'momentum', 1.5, 0, 1); // must be in [0, 1)
 * } catch (e) {
 *   console.assert(e instanceof InvalidArgumentError && e.code === 'INVALID_ARGUMENT');
 * }
 * ```
 */
export function checkHyper(op: string, name: string, value: unknown, min: number, below?: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (below !== undefined && value >= below)) {
    const range = below === undefined ? `≥ ${min}` : `in [${min}, ${below})`;
    throw new InvalidArgumentError(`${op}: option '${name}' must be a finite number ${range}; received ${String(value)}`);
  }
}
