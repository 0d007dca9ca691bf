// Module: the base of every layer, with PyTorch-style named parameters, submodules, state dicts and train/eval modes.
import { InvalidArgumentError, shapesEqual, Tensor, tensor } from '@seqlab/tensor-core';
import { autogradState } from '../engine/shared.js';
import { isBuffer, isParameter, type Parameter } from './parameter.js';
import { StateDictKeyError, StateDictShapeError, type StateDictShapeMismatch } from './state-dict-errors.js';

/** Result of a non-strict {@link Module.loadStateDict}. */
export interface LoadStateDictResult {
  /** Module keys the state dict lacked (left unchanged). */
  readonly missingKeys: string[];
  /** State dict keys the module does not have (ignored). */
  readonly unexpectedKeys: string[];
}

/** What a field of a module can register. */
type Member = { kind: 'parameter' | 'buffer'; tensor: Tensor } | { kind: 'module'; module: Module };

function memberOf(value: unknown): Member | null {
  if (isParameter(value)) return { kind: 'parameter', tensor: value };
  if (isBuffer(value)) return { kind: 'buffer', tensor: value };
  if (value instanceof Module) return { kind: 'module', module: value };
  return null;
}

/**
 * Base class of layers and models, as `torch.nn.Module`. A subclass registers its state by assigning to
 * ordinary public fields: a {@link parameter}, a {@link buffer}, another Module, or an array of those
 * (named `field.0`, `field.1`, ... like `nn.ModuleList`). Names follow the field declaration order and are joined
 * with `.`, exactly as PyTorch's `state_dict()` names them (`layers.0.weight`), so weights move between seqlab
 * and PyTorch unchanged. Subclasses implement `forward`.
 *
 * @example
 * ```ts
 * class MLP extends Module {
 *   readonly hidden = new Linear(2, 8);
 *   readonly out = new Linear(8, 1);
 *   forward(x: Tensor): Tensor {
 *     return this.out.forward(tanh(this.hidden.forward(x)));
 *   }
 * }
 * const model = new MLP();
 * Object.keys(model.stateDict()); // ['hidden.weight', 'hidden.bias', 'out.weight', 'out.bias']
 * ```
 */
export abstract class Module {
  /** True in training mode (the default), false after {@link eval}; layers such as Dropout read it. */
  training = true;

  /** Runs the layer. Each subclass chooses its own arguments and result. */
  abstract forward(...args: never[]): unknown;

  /** The registered members of this module itself (not its children's), in field order. */
  private *ownMembers(): Generator<[string, Member]> {
    for (const key of Object.keys(this)) {
      const value = (this as Record<string, unknown>)[key];
      const member = memberOf(value);
      if (member !== null) yield [key, member];
      else if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const item = memberOf(value[i]);
          if (item !== null) yield [`${key}.${i}`, item];
        }
      }
    }
  }

  /** Direct submodules with their field names. */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [name, m] of this.ownMembers()) if (m.kind === 'module') out.push([name, m.module]);
    return out;
  }

  /** This module and every submodule, depth first, with dotted names ('' for this one). Each module appears once. */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const visit = (m: Module, name: string): void => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([name, m]);
      for (const [child, sub] of m.namedChildren()) visit(sub, name === '' ? child : `${name}.${child}`);
    };
    visit(this, prefix);
    return out;
  }

  /** Every tensor of `kind` under this module with its full name; shared tensors appear under each name. */
  private namedTensors(kind: 'parameter' | 'buffer', dedupe: boolean): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, member] of m.ownMembers()) {
        if (member.kind !== kind) continue;
        if (dedupe && seen.has(member.tensor)) continue;
        seen.add(member.tensor);
        out.push([prefix === '' ? name : `${prefix}.${name}`, member.tensor]);
      }
    }
    return out;
  }

  /** Parameters with their dotted names (`layers.0.weight`), each shared parameter once, as `named_parameters()`. */
  namedParameters(): [string, Parameter][] {
    return this.namedTensors('parameter', true) as [string, Parameter][];
  }

  /** Every parameter, each once, in registration order; hand these to an optimizer. */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Buffers with their dotted names. */
  namedBuffers(): [string, Tensor][] {
    return this.namedTensors('buffer', true);
  }

  /** Total number of parameter elements (only those that require gradients when `trainableOnly`). */
  numParameters(options: { trainableOnly?: boolean } = {}): number {
    let n = 0;
    for (const p of this.parameters()) if (!options.trainableOnly || p.requiresGrad) n += p.size;
    return n;
  }

  /**
   * Parameters and buffers by PyTorch `state_dict` name, in registration order. The values are snapshots:
   * they share storage with the parameters now but keep their values when an optimizer later updates them.
   */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [name, t] of [...this.namedTensors('parameter', false), ...this.namedTensors('buffer', false)]) {
      out[name] = t.alias();
    }
    return out;
  }

  /**
   * Copies `state` into this module's parameters and buffers (keeping their identity, so optimizers still hold
   * them). Values are converted to each parameter's dtype and backend. Strict by default: missing or unexpected
   * keys throw `StateDictKeyError` listing them; a shape mismatch always throws `StateDictShapeError` (both
   * exported by `@seqlab/autograd`).
   * Nothing is changed when an error is thrown.
   */
  loadStateDict(state: Record<string, Tensor>, options: { strict?: boolean } = {}): LoadStateDictResult {
    const strict = options.strict ?? true;
    if (typeof state !== 'object' || state === null) {
      throw new InvalidArgumentError(
        `loadStateDict: argument 'state' must be an object of tensors by name; received ${state === null ? 'null' : typeof state}`,
      );
    }
    const own = [...this.namedTensors('parameter', false), ...this.namedTensors('buffer', false)];
    const ownNames = new Set(own.map(([n]) => n));
    const missingKeys: string[] = [];
    const unexpectedKeys = Object.keys(state).filter((k) => !ownNames.has(k));
    const mismatches: StateDictShapeMismatch[] = [];
    const updates: [Tensor, Tensor][] = [];
    for (const [name, target] of own) {
      const source = state[name];
      if (source === undefined) {
        missingKeys.push(name);
        continue;
      }
      if (!(source instanceof Tensor)) {
        throw new InvalidArgumentError(`loadStateDict: state['${name}'] must be a Tensor; received ${typeof source}`);
      }
      if (!shapesEqual(source.shape, target.shape)) mismatches.push({ key: name, expected: target.shape, received: source.shape });
      else updates.push([target, source]);
    }
    const moduleName = this.constructor.name;
    if (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0)) throw new StateDictKeyError(moduleName, missingKeys, unexpectedKeys);
    if (mismatches.length > 0) throw new StateDictShapeError(moduleName, mismatches);
    for (const [target, source] of updates) {
      const value =
        source.dtype === target.dtype && source.backend === target.backend
          ? source
          : tensor(source.dataSync(), [...target.shape], { dtype: target.dtype, backend: target.backendName });
      target.assign(value);
    }
    return { missingKeys, unexpectedKeys };
  }

  /** Sets training mode on this module and every submodule; returns this. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /** Sets evaluation mode (Dropout passes inputs through); returns this. */
  eval(): this {
    return this.train(false);
  }

  /** Clears every parameter's `.grad` (sets it to null, as PyTorch's default `set_to_none`). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }
}

// Every loaded copy of autograd (and each package's layers) extends the first copy's Module, so a layer from one copy
// registers as a submodule of a model from the other.
// @ts-expect-error -- rebinding the class to the first loaded copy's (a class binding is mutable in JavaScript)
Module = autogradState.claim('Module', Module);
