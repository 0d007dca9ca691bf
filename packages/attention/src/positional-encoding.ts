// Sinusoidal positional encodings (sin and cos interleaved, as Vaswani et al.) as a table and as a module.
import {
  add,
  checkNonNegativeInt,
  checkPositiveInt,
  formatShape,
  InvalidArgumentError,
  reshape,
  ShapeMismatchError,
  slice,
  tensor,
  Tensor,
  type DType,
  type Generator,
} from '@seqlab/tensor-core';
import { Dropout, Module } from '@seqlab/autograd';

/** Options of {@link sinusoidalPositionalEncoding}. */
export interface SinusoidalTableOptions {
  /** Wavelength base. Default 10000. */
  base?: number;
  /** Element type. Default float32. */
  dtype?: DType;
  /** Backend. Default the active backend. */
  backend?: string;
}

/**
 * The table `PE[pos, 2i] = sin(pos / base^(2i/dModel))`, `PE[pos, 2i+1] = cos(pos / base^(2i/dModel))` for
 * `pos = 0 .. maxLen−1`: shape `[maxLen, dModel]`, sine and cosine interleaved (row 0 is `[0, 1, 0, 1, ...]`).
 * Computed in float64 and then stored as `dtype`.
 *
 * @example
 * ```ts
 * sinusoidalPositionalEncoding(16, 8).shape; // [16, 8]
 * ```
 */
export function sinusoidalPositionalEncoding(maxLen: number, dModel: number, options: SinusoidalTableOptions = {}): Tensor {
  const op = 'sinusoidalPositionalEncoding';
  checkPositiveInt(op, 'maxLen', maxLen);
  checkPositiveInt(op, 'dModel', dModel);
  const base = options.base ?? 10000;
  if (typeof base !== 'number' || !(base > 0)) throw new InvalidArgumentError(`${op}: option 'base' must be a positive number; received ${String(base)}`);
  const table = new Float64Array(maxLen * dModel);
  for (let i = 0; 2 * i < dModel; i++) {
    const inverseWavelength = Math.pow(base, -(2 * i) / dModel);
    for (let pos = 0; pos < maxLen; pos++) {
      const angle = pos * inverseWavelength;
      table[pos * dModel + 2 * i] = Math.sin(angle);
      if (2 * i + 1 < dModel) table[pos * dModel + 2 * i + 1] = Math.cos(angle);
    }
  }
  return tensor(table, [maxLen, dModel], { dtype: options.dtype ?? 'float32', backend: options.backend });
}

/** Options of the positional-encoding modules. */
export interface PositionalEncodingOptions {
  /** Longest sequence (plus offset) the module accepts. Default 5000. */
  maxLen?: number;
  /** Dropout applied after adding the encodings, in training mode. Default 0. */
  dropout?: number;
  /** Inputs are `[batch, length, dModel]` rather than `[length, batch, dModel]`. Default false, as PyTorch. */
  batchFirst?: boolean;
  /** Source of the dropout masks (and of learned initial values). Default `defaultGenerator()`. */
  generator?: Generator;
  /** Element type. Default float32. */
  dtype?: DType;
  /** Backend. Default the active backend. */
  backend?: string;
}

/** Rows `[offset, offset + length)` of `table`, shaped to add to `x`; throws when they run past the table. */
export function positionsFor(op: string, table: Tensor, x: Tensor, batchFirst: boolean, offset: number): Tensor {
  const [maxLen, dModel] = table.shape;
  if (!(x instanceof Tensor) || x.rank < 2 || x.shape[x.rank - 1] !== dModel) {
    throw new ShapeMismatchError(`${op}: argument 'x' must end with dimension ${dModel}; received ${x instanceof Tensor ? formatShape(x.shape) : typeof x}`);
  }
  checkNonNegativeInt(op, 'offset', offset);
  const length = x.rank === 2 || !batchFirst ? x.shape[0] : x.shape[1];
  if (offset + length > maxLen) {
    throw new InvalidArgumentError(
      `${op}: positions ${offset}..${offset + length - 1} run past the longest supported sequence (maxLen ${maxLen}); received a sequence of length ${length}${offset > 0 ? ` at offset ${offset}` : ''}`,
    );
  }
  const rows = slice(table, [offset, 0], [length, dModel]);
  // [L, d] broadcasts over a leading batch; sequence-first inputs [L, B, d] need [L, 1, d].
  return x.rank === 3 && !batchFirst ? reshape(rows, [length, 1, dModel]) : rows;
}

/**
 * Adds the sinusoidal table to `x` (then dropout), as the PyTorch tutorial's `PositionalEncoding` but with sine and
 * cosine interleaved: `[L, B, d]` (or `[B, L, d]` with `batchFirst`, or `[L, d]`). The table is fixed, not a
 * parameter, and is not saved in the state dict.
 *
 * @example
 * ```ts
 * const pe = new SinusoidalPositionalEncoding(16, { maxLen: 100, batchFirst: true });
 * pe.forward(randn([2, 10, 16])).shape; // [2, 10, 16]
 * ```
 */
export class SinusoidalPositionalEncoding extends Module {
  /** Model width. */
  readonly dModel: number;
  /** Whether inputs are batch first. */
  readonly batchFirst: boolean;
  /** Dropout after the addition. */
  readonly dropout: Dropout;
  /** `[maxLen, dModel]` (deliberately not a buffer: it is recomputed, never loaded). */
  readonly table: Tensor;

  constructor(dModel: number, options: PositionalEncodingOptions = {}) {
    super();
    this.dModel = checkPositiveInt('SinusoidalPositionalEncoding', 'dModel', dModel);
    this.batchFirst = options.batchFirst ?? false;
    this.dropout = new Dropout(options.dropout ?? 0, { generator: options.generator });
    this.table = sinusoidalPositionalEncoding(options.maxLen ?? 5000, dModel, { dtype: options.dtype, backend: options.backend });
  }

  /** `x + PE[offset .. offset + L]`; `offset` is the position of the first element (for a step after cached ones). */
  forward(x: Tensor, offset = 0): Tensor {
    return this.dropout.forward(add(x, positionsFor('SinusoidalPositionalEncoding.forward', this.table, x, this.batchFirst, offset)));
  }
}
