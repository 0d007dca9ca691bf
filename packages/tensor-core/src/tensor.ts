// The Tensor value: shape, dtype and a storage owned by one backend, plus the autograd fields PyTorch users expect.
import type { Backend, DataHandle, TensorInfo } from './backend.js';
import { bytesPerElement, type DType, type DTypeArrayMap, type TypedArray } from './dtype.js';
import { BackendMismatchError, DisposedError, InvalidArgumentError, ShapeMismatchError } from './errors.js';
import { checkBackendName, reshapeAs } from './ops/dispatch.js';
import { getBackend } from './registry.js';
import { formatShape, sizeOf, type Shape } from './shape.js';
import { coreState } from './shared-state.js';
import { Storage } from './storage.js';

// A tensor whose storage the backend keeps resident (a parameter in wasm memory) keeps an assigned value there too: a
// new resident storage holding a copy of `value`'s values, or undefined (the tensor then shares `value`'s storage).
function residentCopy(current: Storage, value: Storage, dtype: DType, size: number): Storage | undefined {
  const backend = current.backend;
  if (backend.resident === undefined || backend.isResident?.(current.handle) !== true || backend.isResident(value.handle)) return undefined;
  const handle = backend.resident(value.handle, dtype, size);
  return handle === undefined ? undefined : new Storage(backend, handle, value.bytes);
}

/** Nested JavaScript arrays as returned by {@link Tensor.toArray}. */
export type NestedArray = number | boolean | NestedArray[];

let nextId = 0;

// The tensors made while {@link collectCreated} runs (shared by every loaded copy, as the class is).
const creation = coreState.claim('tensorCreationLog', { log: null as Tensor[] | null });

/** What {@link collectCreated} returns. */
export interface Collected<T> {
  /** What the function returned. */
  result: T;
  /** Every tensor object made while it ran, in creation order. */
  created: Tensor[];
}

/**
 * Runs `fn` and returns its result with every tensor object made while it ran (results, temporaries and views, in
 * creation order; nested calls see their own tensors, which the enclosing call sees too). The owner of a
 * computation whose temporaries nobody else can reach (autograd's backward, for its gradient rules) disposes them
 * with it instead of waiting for the garbage collector. `into`, if given, is the array they are pushed to as they are
 * made, which still holds them when `fn` throws.
 *
 * @example
 * ```ts
 * const { result, created } = collectCreated(() => add(mul(x, x), 1));
 * for (const t of created) if (t !== result) t.dispose(); // the temporary x·x
 * ```
 */
export function collectCreated<T>(fn: () => T, into: Tensor[] = []): Collected<T> {
  if (typeof fn !== 'function') throw new InvalidArgumentError(`collectCreated: argument 'fn' must be a function; received ${typeof fn}`);
  if (!Array.isArray(into)) throw new InvalidArgumentError(`collectCreated: argument 'into' must be an array; received ${typeof into}`);
  const outer = creation.log;
  const created = into;
  creation.log = created;
  try {
    const result = fn();
    return { result, created };
  } finally {
    creation.log = outer;
    if (outer !== null) for (const t of created) outer.push(t);
  }
}

/**
 * An immutable n-d array: row-major and contiguous, stored by one backend.
 *
 * @example
 * ```ts
 * const t = tensor([[1, 2], [3, 4]]);
 * t.shape;        // [2, 2]
 * t.toArray();    // [[1, 2], [3, 4]]
 * ```
 */
export class Tensor implements TensorInfo {
  /** Unique id, increasing in creation order (the autograd tape sorts by it). */
  readonly id: number;
  /** Dimension sizes. */
  readonly shape: Shape;
  /** Element type. */
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
  /** Whether autograd records ops on this tensor (set it on leaves with `requiresGrad_()` in autograd). */
  requiresGrad = false;
  /** Accumulated gradient after `backward()`, or null. */
  grad: Tensor | null = null;
  /** Autograd's record of the op that produced this tensor; null for leaves. Managed by `@seqlab/autograd`. */
  gradNode: unknown = null;
  /** Incremented by every {@link assign}; autograd uses it to detect tensors changed after being saved for backward. */
  version = 0;
  private storage: Storage;
  private disposed = false;

  /**
   * Use `tensor()`, `zeros()` and the other creation functions instead.
   * @internal
   */
  constructor(storage: Storage, shape: Shape, dtype: DType) {
    this.id = nextId++;
    this.storage = storage;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = sizeOf(shape);
    storage.retain();
    creation.log?.push(this);
  }

  /** Internal: wraps a fresh backend handle as a tensor. */
  static fromHandle(backend: Backend, handle: DataHandle, shape: Shape, dtype: DType): Tensor {
    return new Tensor(new Storage(backend, handle, sizeOf(shape) * bytesPerElement(dtype)), shape, dtype);
  }

  /**
   * The same elements under another shape of the same size, as `torch.Tensor.view`: an alias of
   * `reshape(x, shape)`, validated the same way (one dimension may be -1 and is inferred; a size that does not
   * match is SHAPE_MISMATCH naming both shapes) and recorded by autograd. Free: the result shares storage.
   *
   * @example
   * ```ts
   * arange(6).view([2, -1]).shape; // [2, 3]
   * ```
   */
  view(shape: readonly number[]): Tensor {
    return reshapeAs('view', this, shape);
  }

  /**
   * A new tensor object over this one's storage, with `shape` (default: this shape) of the same size, that autograd
   * knows nothing about: how op front-ends return free results and how autograd makes leaves and detached copies.
   * Use `view` or `reshape` in ordinary code.
   * @internal
   */
  alias(shape: Shape = this.shape): Tensor {
    this.checkAlive('alias');
    if (sizeOf(shape) !== this.size) {
      throw new ShapeMismatchError(
        `alias: shape ${formatShape(shape)} does not hold the ${this.size} elements of a tensor of shape ${formatShape(this.shape)}`,
      );
    }
    return new Tensor(this.storage, shape, this.dtype);
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** The backend that owns the storage. */
  get backend(): Backend {
    return this.storage.backend;
  }

  /** Name of the backend that owns the storage. */
  get backendName(): string {
    return this.storage.backend.name;
  }

  /** The backend storage handle; throws `DISPOSED` after `dispose()`. */
  get handle(): DataHandle {
    this.checkAlive('use');
    return this.storage.handle;
  }

  /** True after `dispose()`. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  private checkAlive(what: string): void {
    if (this.disposed || this.storage.isReleased) {
      throw new DisposedError(`${what}: tensor #${this.id} of shape ${formatShape(this.shape)} was disposed`);
    }
  }

  /** A copy of the elements as a typed array (Float32Array, Int32Array, Float64Array or Uint8Array for bool). */
  dataSync<D extends DType = DType>(): DTypeArrayMap[D] {
    this.checkAlive('dataSync');
    return this.storage.backend.readSync(this.storage.handle, this.dtype, this.size) as DTypeArrayMap[D];
  }

  /** A copy of the elements, read asynchronously where the backend needs it. */
  async data<D extends DType = DType>(): Promise<DTypeArrayMap[D]> {
    this.checkAlive('data');
    return (await this.storage.backend.read(this.storage.handle, this.dtype, this.size)) as DTypeArrayMap[D];
  }

  /** The single element of a one-element tensor as a number. */
  item(): number {
    if (this.size !== 1) {
      throw new InvalidArgumentError(`item: the tensor must have exactly one element; received shape ${formatShape(this.shape)}`);
    }
    return this.dataSync()[0];
  }

  /** The elements as nested arrays (booleans for `bool`). */
  toArray(): NestedArray {
    const flat = this.dataSync();
    const asValue = (i: number): number | boolean => (this.dtype === 'bool' ? flat[i] !== 0 : flat[i]);
    if (this.rank === 0) return asValue(0);
    const build = (dim: number, offset: number): NestedArray[] => {
      const n = this.shape[dim];
      const out: NestedArray[] = new Array(n);
      if (dim === this.rank - 1) {
        for (let i = 0; i < n; i++) out[i] = asValue(offset + i);
        return out;
      }
      let inner = 1;
      for (let d = dim + 1; d < this.rank; d++) inner *= this.shape[d];
      for (let i = 0; i < n; i++) out[i] = build(dim + 1, offset + i * inner);
      return out;
    };
    return build(0, 0);
  }

  /** A copy of this tensor on the named backend (this one if it is already there). */
  to(name: string): Tensor {
    this.checkAlive('to');
    if (name === this.backendName) return this;
    checkBackendName('to', "argument 'name'", name);
    const target = getBackend(name);
    const values = this.dataSync();
    return Tensor.fromHandle(target, target.adopt(values as TypedArray, this.dtype), this.shape, this.dtype);
  }

  /**
   * Replaces this tensor's contents with `value`'s (same shape, dtype and backend), keeping its identity.
   * This is how optimizers and `loadStateDict` update parameters in place, as `param.data = ...` in PyTorch;
   * ordinary code never needs it.
   */
  assign(value: Tensor): this {
    this.checkAlive('assign');
    if (!(value instanceof Tensor)) {
      throw new InvalidArgumentError(`assign: argument 'value' must be a Tensor; received ${typeof value}`);
    }
    if (value.dtype !== this.dtype || value.shape.length !== this.shape.length || value.shape.some((d, i) => d !== this.shape[i])) {
      throw new ShapeMismatchError(
        `assign: argument 'value' must be a ${this.dtype} tensor of shape ${formatShape(this.shape)}; received a ${value.dtype} tensor of shape ${formatShape(value.shape)}`,
      );
    }
    if (value.backend !== this.backend) {
      throw new BackendMismatchError(`assign: this tensor is on backend '${this.backendName}' but 'value' is on '${value.backendName}'`);
    }
    value.checkAlive('assign');
    if (value.storage !== this.storage) {
      const storage = residentCopy(this.storage, value.storage, value.dtype, value.size) ?? value.storage;
      storage.retain();
      this.storage.drop();
      this.storage = storage;
    }
    this.version++;
    return this;
  }

  /** Frees this tensor's hold on its storage now; the storage is released when no other view holds it. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.storage.drop();
  }

  /** `using t = ...` disposes at the end of the block. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** A readable print: dtype, shape and values (long dimensions elided). */
  toString(): string {
    if (this.disposed) return `Tensor(disposed, shape=${formatShape(this.shape)}, dtype=${this.dtype})`;
    const flat = this.dataSync();
    const fmt = (v: number): string => {
      if (this.dtype === 'bool') return v ? 'true' : 'false';
      if (this.dtype === 'int32') return String(v);
      if (Number.isInteger(v) && Math.abs(v) < 1e6) return v.toFixed(1);
      const a = Math.abs(v);
      return a !== 0 && (a < 1e-4 || a >= 1e6) ? v.toExponential(4) : v.toFixed(4);
    };
    const edge = 3;
    const render = (dim: number, offset: number, indent: string): string => {
      if (this.rank === 0) return fmt(flat[0]);
      const n = this.shape[dim];
      let inner = 1;
      for (let d = dim + 1; d < this.rank; d++) inner *= this.shape[d];
      const idx: (number | null)[] = [];
      if (n > 2 * edge + 1) {
        for (let i = 0; i < edge; i++) idx.push(i);
        idx.push(null);
        for (let i = n - edge; i < n; i++) idx.push(i);
      } else for (let i = 0; i < n; i++) idx.push(i);
      if (dim === this.rank - 1) return `[${idx.map((i) => (i === null ? '...' : fmt(flat[offset + i]))).join(', ')}]`;
      const sep = ',\n' + '\n'.repeat(this.rank - dim - 2) + indent + ' ';
      return `[${idx.map((i) => (i === null ? '...' : render(dim + 1, offset + i * inner, indent + ' '))).join(sep)}]`;
    };
    return `Tensor(${render(0, 0, '       ')}, shape=${formatShape(this.shape)}, dtype=${this.dtype})`;
  }
}

// The first loaded copy of tensor-core (an ES module and a CommonJS build, or two installs) defines the class every
// copy uses: tensors of any copy pass every copy's `instanceof Tensor`, take ids from one counter, and carry the
// methods `@seqlab/autograd` adds to the prototype. A class binding is mutable in JavaScript; TypeScript only forbids it.
// @ts-expect-error -- rebinding the class to the first loaded copy's
Tensor = coreState.claim('Tensor', Tensor);
