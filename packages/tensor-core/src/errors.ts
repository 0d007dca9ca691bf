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
  | 'UNSUPPORTED_RUNTIME';

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
