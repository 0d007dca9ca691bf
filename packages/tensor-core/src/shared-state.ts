// Process-wide state that every loaded copy of a seqlab package shares: its CJS and ESM builds, and nested installs.
import { IncompatibleCopyError, InvalidArgumentError, type PackageCopy } from './errors.js';

/** Replaced by each package's build with its package.json version; absent when tests load the TypeScript sources. */
declare const __SEQLAB_VERSION__: string | undefined;

/** What one package keeps on `globalThis`: the copies loaded so far and the values the first one put there. */
interface PackageRecord {
  readonly copies: PackageCopy[];
  readonly values: Map<string, unknown>;
}

/**
 * The values one seqlab package shares between its loaded copies, from {@link sharedState}: the first copy to claim a
 * key stores its value, and every later copy gets that value back instead of its own.
 *
 * @example
 * ```ts
 * const state: SharedState = sharedState('@seqlab/attention', '0.1.0', import.meta.url);
 * const budget = state.claim('memoryBudget', { bytes: 256 * 2 ** 20 });
 * let fused = true;
 * const setFused = state.link('fused', true, (on) => (fused = on)); // setFused(false) reaches every copy
 * ```
 */
export interface SharedState {
  /**
   * The value stored under `key` by the first copy that claimed it, or `value` when this copy is the first.
   * Claim classes whose identity matters (`instanceof`, prototype methods) and objects that hold mutable state.
   */
  claim<T>(key: string, value: T): T;
  /**
   * Shares one variable that each copy reads from its own local variable, so hot paths read no shared object:
   * `onChange` runs at once with the current value (`initial` when this copy is the first) and, in every copy,
   * whenever any copy calls the returned setter.
   */
  link<T>(key: string, initial: T, onChange: (value: T) => void): (value: T) => void;
}

/** A {@link SharedState.link}ed variable: its value and each copy's `onChange`. */
interface Linked<T> {
  value: T;
  readonly copies: ((value: T) => void)[];
}

/** True when two versions are in one caret range: the same major, and below 1.0 the same minor too. */
function compatible(a: string, b: string): boolean {
  const pa = /^(\d+)\.(\d+)\.\d+/.exec(a);
  const pb = /^(\d+)\.(\d+)\.\d+/.exec(b);
  if (!pa || !pb) return a === b;
  return pa[1] === pb[1] && (pa[1] !== '0' || pa[2] === pb[2]);
}

function recordOf(packageName: string): PackageRecord | undefined {
  return (globalThis as { [key: symbol]: PackageRecord | undefined })[Symbol.for(packageName)];
}

/**
 * Opens the process-wide state of `packageName` for one loaded copy of it (called once, when the copy loads).
 * The state lives on `globalThis` under `Symbol.for(packageName)`, so a package's CommonJS and ES module builds and
 * copies installed at different places in `node_modules` find the same one. A copy whose version is not in the caret
 * range of the first loaded copy's (same major; below 1.0 the same minor) throws `IncompatibleCopyError` naming
 * both versions and both files, at load time.
 *
 * @example
 * ```ts
 * const state = sharedState('@seqlab/autograd', '0.1.0', import.meta.url);
 * const gradMode = state.claim('gradMode', { enabled: true }); // one switch for every copy
 * ```
 */
export function sharedState(packageName: string, version: string, origin: string): SharedState {
  if (typeof packageName !== 'string' || !packageName.startsWith('@seqlab/')) {
    throw new InvalidArgumentError(`sharedState: argument 'packageName' must be a '@seqlab/…' package name; received ${String(packageName)}`);
  }
  const self: PackageCopy = { version, origin };
  let record = recordOf(packageName);
  if (record === undefined) {
    record = { copies: [], values: new Map() };
    Object.defineProperty(globalThis, Symbol.for(packageName), { value: record, enumerable: false, configurable: false, writable: false });
  } else if (!compatible(record.copies[0].version, version)) {
    throw new IncompatibleCopyError(packageName, record.copies[0], self);
  }
  record.copies.push(self);
  const values = record.values;
  const claim = <T>(key: string, value: T): T => {
    if (!values.has(key)) values.set(key, value);
    return values.get(key) as T;
  };
  return {
    claim,
    link<T>(key: string, initial: T, onChange: (value: T) => void): (value: T) => void {
      const linked = claim<Linked<T>>(key, { value: initial, copies: [] });
      linked.copies.push(onChange);
      onChange(linked.value);
      return (value: T) => {
        linked.value = value;
        for (const update of linked.copies) update(value);
      };
    },
  };
}

/**
 * The copies of `packageName` loaded in this process so far, first one first (an empty list when none has loaded).
 * More than one means that a CommonJS and an ES module build, or two installs, are loaded; they share one state.
 *
 * @example
 * ```ts
 * for (const { version, origin } of loadedCopies('@seqlab/tensor-core')) console.log(version, origin);
 * ```
 */
export function loadedCopies(packageName: string): PackageCopy[] {
  return (recordOf(packageName)?.copies ?? []).map((c) => ({ ...c }));
}

/** The version this build of a package was made from (`source` under the test runner, which loads TypeScript). */
export const BUILD_VERSION: string = typeof __SEQLAB_VERSION__ === 'string' ? __SEQLAB_VERSION__ : 'source';

/** tensor-core's own shared state: the backend registry, the gradient recorder, the default generator, Tensor. */
export const coreState: SharedState = sharedState('@seqlab/tensor-core', BUILD_VERSION, import.meta.url);
