// Typed errors with stable codes; every message names the op, the argument, what was expected and what was received.

/** Stable machine-readable error codes used across seqlab. */
export type ErrorCode =
  | 'SHAPE_MISMATCH'
  | 'DTYPE_MISMATCH'
  | 'BACKEND_MISMATCH'
  | 'INVALID_ARGUMENT'
  | 'KERNEL_NOT_FOUND'
  | 'CHECKPOINT_CORRUPT'
  | 'DISPOSED'
  | 'MEMORY_BUDGET_EXCEEDED'
  | 'UNSUPPORTED_RUNTIME'
  | 'INCOMPATIBLE_COPY'
  | 'GPU_UNAVAILABLE'
  | 'GPU_CONTEXT_LOST'
  | 'GPU_LIMIT_EXCEEDED';

/**
 * Base class of every error seqlab throws on purpose. Test `err.code` rather than the message.
 *
 * @example
 * ```ts
 * try {
 *   reshape(arange(6), [4, 4]);
 * } catch (e) {
 *   console.assert(e instanceof SeqlabError && e.code === 'SHAPE_MISMATCH');
 * }
 * ```
 */
export class SeqlabError extends Error {
  /** Stable code naming the kind of mistake. */
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * Shapes do not match or do not broadcast.
 *
 * @example
 * ```ts
 * try {
 *   add(zeros([2, 3]), zeros([4]));
 * } catch (e) {
 *   console.assert(e instanceof ShapeMismatchError && e.code === 'SHAPE_MISMATCH');
 * }
 * ```
 */
export class ShapeMismatchError extends SeqlabError {
  constructor(message: string) {
    super('SHAPE_MISMATCH', message);
  }
}

/**
 * An argument has the wrong dtype.
 *
 * @example
 * ```ts
 * try {
 *   cat([zeros([2]), zeros([2], 'int32')]);
 * } catch (e) {
 *   console.assert(e instanceof DTypeMismatchError && e.code === 'DTYPE_MISMATCH');
 * }
 * ```
 */
export class DTypeMismatchError extends SeqlabError {
  constructor(message: string) {
    super('DTYPE_MISMATCH', message);
  }
}

/**
 * Tensors owned by two different backends met in one op.
 *
 * @example
 * ```ts
 * const cpu = cpuBackend;
 * registerBackend({ ...cpu, name: 'cpu-copy' }); // a second backend, for the example
 * try {
 *   add(zeros([2]), zeros([2]).to('cpu-copy'));
 * } catch (e) {
 *   console.assert(e instanceof BackendMismatchError && e.code === 'BACKEND_MISMATCH');
 * }
 * ```
 */
export class BackendMismatchError extends SeqlabError {
  constructor(message: string) {
    super('BACKEND_MISMATCH', message);
  }
}

/**
 * An argument is out of range, of the wrong kind, or otherwise unusable.
 *
 * @example
 * ```ts
 * try {
 *   tensor([1, 2]).item(); // item() needs exactly one element
 * } catch (e) {
 *   console.assert(e instanceof InvalidArgumentError && e.code === 'INVALID_ARGUMENT');
 * }
 * ```
 */
export class InvalidArgumentError extends SeqlabError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

/**
 * The active backend has no kernel for an op.
 *
 * @example
 * ```ts
 * const cpu = cpuBackend;
 * registerBackend({ ...cpu, name: 'no-kernels', kernels: {} }); // a backend that implements nothing
 * try {
 *   neg(tensor([1, 2]).to('no-kernels'));
 * } catch (e) {
 *   console.assert(e instanceof KernelNotFoundError && e.code === 'KERNEL_NOT_FOUND' && e.op === 'neg');
 * }
 * ```
 */
export class KernelNotFoundError extends SeqlabError {
  /** The op whose kernel is missing. */
  readonly op: string;
  /** The backend that lacks it. */
  readonly backend: string;
  constructor(op: string, backend: string) {
    super('KERNEL_NOT_FOUND', `${op}: backend '${backend}' has no kernel '${op}'`);
    this.op = op;
    this.backend = backend;
  }
}

/**
 * A checkpoint or safetensors byte string is malformed.
 *
 * @example
 * ```ts
 * try {
 *   decodeSafetensors(new Uint8Array([1, 2, 3])); // too short to hold a header
 * } catch (e) {
 *   console.assert(e instanceof CheckpointCorruptError && e.code === 'CHECKPOINT_CORRUPT');
 * }
 * ```
 */
export class CheckpointCorruptError extends SeqlabError {
  constructor(message: string) {
    super('CHECKPOINT_CORRUPT', message);
  }
}

/**
 * A tensor was used after `dispose()`.
 *
 * @example
 * ```ts
 * const x = zeros([2]);
 * x.dispose();
 * try {
 *   x.dataSync();
 * } catch (e) {
 *   console.assert(e instanceof DisposedError && e.code === 'DISPOSED');
 * }
 * ```
 */
export class DisposedError extends SeqlabError {
  constructor(message: string) {
    super('DISPOSED', message);
  }
}

/**
 * An allocation would exceed a configured memory budget.
 *
 * @example
 * ```ts
 * try {
 *   allocArray('float32', 2 ** 31); // beyond MAX_TENSOR_ELEMENTS
 * } catch (e) {
 *   console.assert(e instanceof MemoryBudgetError && e.code === 'MEMORY_BUDGET_EXCEEDED');
 * }
 * ```
 */
export class MemoryBudgetError extends SeqlabError {
  constructor(message: string) {
    super('MEMORY_BUDGET_EXCEEDED', message);
  }
}

/**
 * A feature needs a runtime this one is not (for example file helpers, which need Node.js, called in a browser).
 *
 * @example
 * ```ts
 * // Thrown, for example, by file helpers called outside Node.js; test the code, not the message.
 * const err: unknown = new UnsupportedRuntimeError('loadCheckpoint: needs Node.js');
 * console.assert(err instanceof SeqlabError && err.code === 'UNSUPPORTED_RUNTIME');
 * ```
 */
export class UnsupportedRuntimeError extends SeqlabError {
  constructor(message: string) {
    super('UNSUPPORTED_RUNTIME', message);
  }
}

/**
 * Where one loaded copy of a seqlab package came from: its version and its file (a path or a URL).
 *
 * @example
 * ```ts
 * const [first] = loadedCopies('@seqlab/tensor-core');
 * console.log(first.version, first.origin); // 0.1.0 file:///app/node_modules/@seqlab/tensor-core/dist/index.js
 * ```
 */
export interface PackageCopy {
  /** The `version` of the copy's package.json (`source` when loaded from TypeScript sources). */
  readonly version: string;
  /** The copy's module file: `import.meta.url` of an ES module build, the path of a CommonJS build. */
  readonly origin: string;
}

/**
 * A second copy of a seqlab package was loaded whose version cannot share state with the copy already loaded
 * (another major version, or another minor version below 1.0). Thrown when the second copy loads, never later.
 *
 * @example
 * ```ts
 * try {
 *   await import('@seqlab/autograd'); // which brings its own, incompatible tensor-core
 * } catch (e) {
 *   if (e instanceof IncompatibleCopyError) console.error(e.loaded.origin, e.loading.origin);
 * }
 * ```
 */
export class IncompatibleCopyError extends SeqlabError {
  /** The package that is loaded twice, e.g. `@seqlab/tensor-core`. */
  readonly packageName: string;
  /** The copy loaded first, whose state the process uses. */
  readonly loaded: PackageCopy;
  /** The copy whose loading failed. */
  readonly loading: PackageCopy;
  constructor(packageName: string, loaded: PackageCopy, loading: PackageCopy) {
    super(
      'INCOMPATIBLE_COPY',
      `${packageName} ${loading.version} (${loading.origin}) cannot run beside ${packageName} ${loaded.version} already loaded from ${loaded.origin}: ` +
        `tensors, backends and gradients of one copy would not work with the other. Install one version for the whole application ` +
        `(\`npm ls ${packageName}\` shows which package asks for which)`,
    );
    this.packageName = packageName;
    this.loaded = loaded;
    this.loading = loading;
  }
}
