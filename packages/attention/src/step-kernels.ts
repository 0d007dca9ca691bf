// Decoding one token at a time on a backend's kernels called on storage handles directly: no tensors, no tape, no per-op checks.
import {
  KernelNotFoundError,
  type Backend,
  type DataHandle,
  type DType,
  type Kernels,
  type Tensor,
  type TensorInfo,
  type TypedArray,
} from '@seqlab/tensor-core';

/**
 * A typed array of floats a step works on (float32, or float64 on the cpu backend).
 *
 * @example
 * ```ts
 * const hidden: FloatArray = new Float32Array(128);
 * ```
 */
export type FloatArray = Float32Array | Float64Array;

/**
 * The kernels of one backend, called on typed-array storages, for the per-token steps of generation. A token's step
 * runs a few dozen tiny ops at batch 1, where a tensor's bookkeeping (shape checks, storage objects and their
 * finalizers, the autograd record) costs more than the kernel itself. These helpers call the same kernels that the
 * ops would, with the same shapes, so the numbers are bitwise the ops' numbers; the elementwise additions are done in
 * JavaScript into arrays of the storage dtype, which rounds exactly as the backends' kernels do.
 *
 * Available only where the backend's storage is a plain typed array (the cpu and wasm backends): see {@link create}.
 *
 * @example
 * ```ts
 * const step = StepKernels.create(head.weight); // null on a backend without typed-array storage
 * const logits = step?.linear(hidden, 1, head.weight, head.bias); // [1, vocab] as a typed array
 * ```
 */
export class StepKernels {
  /** The backend whose kernels run. */
  readonly backend: Backend;
  /** The float dtype every array of the step has. */
  readonly dtype: DType;
  private readonly kernels: Partial<Kernels>;

  private constructor(backend: Backend, dtype: DType) {
    this.backend = backend;
    this.dtype = dtype;
    this.kernels = backend.kernels;
  }

  /**
   * The step kernels of `like`'s backend and dtype (a parameter of the model), or null where storages are not typed
   * arrays the step may read (a gpu backend), the dtype is not a float, or the backend lacks the matmul kernel.
   */
  static create(like: Tensor): StepKernels | null {
    const backend = like.backend;
    if (backend.garbageCollected !== true || (like.dtype !== 'float32' && like.dtype !== 'float64')) return null;
    if (backend.kernels.matmul === undefined || !ArrayBuffer.isView(like.handle)) return null;
    return new StepKernels(backend, like.dtype);
  }

  /** A zeroed array of `size` elements of the step's dtype. */
  zeros(size: number): FloatArray {
    return this.dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
  }

  /**
   * A zeroed array of `size` elements that the backend keeps where its kernels read it in place (a resident storage
   * in wasm memory, which a kernel call does not copy in), or a plain one where it keeps none; give it back with
   * {@link release}. For buffers a step writes into and every call reads, such as a key/value cache.
   */
  residentZeros(size: number): FloatArray {
    const plain = this.zeros(size);
    return (this.backend.resident?.(plain, this.dtype, size) as FloatArray | undefined) ?? plain;
  }

  /** Frees an array from {@link residentZeros} now, rather than when the garbage collector finds it. */
  release(values: FloatArray): void {
    if (this.backend.isResident?.(values) === true) this.backend.release(values);
  }

  /** The storage of `t` as a typed array (a parameter's values, read in place). */
  values(t: Tensor): FloatArray {
    return t.handle as FloatArray;
  }

  /** `rows` rows of `table` (`[n, width]`, e.g. an embedding), row `ids[i]` into row i of `out` `[rows, width]`. */
  gatherRows(table: Tensor, ids: ArrayLike<number>, out: FloatArray): FloatArray {
    const width = table.shape[1];
    const values = this.values(table);
    for (let i = 0; i < ids.length; i++) out.set(values.subarray(ids[i] * width, (ids[i] + 1) * width), i * width);
    return out;
  }

  /** `out[i] += add[i]` for a same-sized `add`, rounded to the dtype (a residual connection, a position embedding). */
  addInto(out: FloatArray, add: ArrayLike<number>, from = 0): FloatArray {
    for (let i = 0; i < out.length; i++) out[i] += add[from + i];
    return out;
  }

  /**
   * `x·Wᵀ + b` for `x` `[rows, inFeatures]` and `weight` `[outFeatures, inFeatures]` (a `Linear` layer or a tied LM
   * head): the backend's matmul kernel, then the bias added to each row, as `add(matmul(x, W, { transB: true }), b)`.
   * Returns a new `[rows, outFeatures]` array.
   */
  linear(x: FloatArray, rows: number, weight: Tensor, bias: Tensor | null): FloatArray {
    const [outFeatures, inFeatures] = weight.shape;
    const y = this.call('matmul', this.info(x, [rows, inFeatures]), weight, false, true, [rows, outFeatures]) as FloatArray;
    if (bias !== null) {
      const b = this.values(bias);
      for (let r = 0; r < rows; r++) for (let j = 0, at = r * outFeatures; j < outFeatures; j++) y[at + j] += b[j];
    }
    return y;
  }

  /** A kernel input viewing `values` with `shape`. */
  info(values: TypedArray, shape: number[]): TensorInfo {
    return { handle: values, shape, dtype: this.dtype, size: values.length };
  }

  /** The kernel `name` of the backend, called with `args`. */
  call<K extends keyof Kernels>(name: K, ...args: Parameters<Kernels[K]>): DataHandle {
    const kernel = this.kernels[name] as ((...a: Parameters<Kernels[K]>) => DataHandle) | undefined;
    if (kernel === undefined) throw new KernelNotFoundError(name, this.backend.name);
    return kernel(...args);
  }
}
