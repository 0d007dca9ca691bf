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
  | 'INCOMPATIBLE_COPY';

/** Base class of every error seqlab throws on purpose. Test `err.code` rather than the message. */
export class SeqlabError extends Error {
  /** Stable code naming the kind of mistake. */
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Shapes do not match or do not broadcast. */
export class ShapeMismatchError extends SeqlabError {
  constructor(message: string) {
    super('SHAPE_MISMATCH', message);
  }
}

/** An argument has the wrong dtype. */
export class DTypeMismatchError extends SeqlabError {
  constructor(message: string) {
    super('DTYPE_MISMATCH', message);
  }
}

/** Tensors owned by two different backends met in one op. */
export class BackendMismatchError extends SeqlabError {
  constructor(message: string) {
    super('BACKEND_MISMATCH', message);
  }
}

/** An argument is out of range, of the wrong kind, or otherwise unusable. */
export class InvalidArgumentError extends SeqlabError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

/** The active backend has no kernel for an op. */
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

/** A checkpoint or safetensors byte string is malformed. */
export class CheckpointCorruptError extends SeqlabError {
  constructor(message: string) {
    super('CHECKPOINT_CORRUPT', message);
  }
}

/** A tensor was used after `dispose()`. */
export class DisposedError extends SeqlabError {
  constructor(message: string) {
    super('DISPOSED', message);
  }
}

/** An allocation would exceed a configured memory budget. */
export class MemoryBudgetError extends SeqlabError {
  constructor(message: string) {
    super('MEMORY_BUDGET_EXCEEDED', message);
  }
}

/** A feature needs a runtime this one is not (for example file helpers, which need Node.js, called in a browser). */
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
