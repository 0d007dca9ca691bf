// A module's forward without gradients: its intermediate tensors are temporaries that nothing else can reach, disposed
// as soon as the output exists, and on the wasm backend kept in wasm memory from one kernel to the next instead of
// being copied out and back in.
import { collectCreated, Tensor, type Backend } from '@seqlab/tensor-core';
import { isGradEnabled } from './grad-mode.js';

/** Open scopes: only the outermost turns scratch results on and returns its result in ordinary storage. */
let depth = 0;

/** How deep {@link settleResult} looks into a result's arrays and plain objects for tensors. */
const RESULT_DEPTH = 3;

/** What {@link settleResult} found: the result's tensors kept as they are, and whether it met an object it cannot see into. */
interface Settling {
  readonly kept: Set<Tensor>;
  opaque: boolean;
}

/**
 * `value` with each tensor that `fn` made (in `made`) and the backend keeps in its own memory (a scratch result)
 * replaced by a copy in ordinary storage when `copy`; every tensor of the result that is kept as it is goes into
 * `found.kept`. An object other than an array or a plain object (or one nested too deep) may hold tensors unseen:
 * `found.opaque`.
 */
function settleResult(value: unknown, made: ReadonlySet<Tensor>, found: Settling, level: number, copy: boolean): unknown {
  if (value instanceof Tensor) {
    const backend = value.backend;
    if (!copy || !made.has(value) || value.isDisposed || backend.isResident?.(value.handle) !== true) {
      found.kept.add(value);
      return value;
    }
    const values = backend.readSync(value.handle, value.dtype, value.size);
    return Tensor.fromHandle(backend, backend.adopt(values, value.dtype), value.shape, value.dtype);
  }
  if (value === null || typeof value !== 'object') return value;
  if (level >= RESULT_DEPTH || (!Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype)) {
    found.opaque = true;
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => settleResult(v, made, found, level + 1, copy));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = settleResult(v, made, found, level + 1, copy);
  return out;
}

/**
 * Runs `fn`, the body of a module's forward on `backend`, and returns what it returns. While gradients are recorded
 * this is just `fn()`: the graph keeps what backward needs. Without them (inside `noGrad`), on a backend whose
 * storage is garbage-collected (cpu, wasm), every tensor `fn` makes that is not in its result (a tensor, or arrays
 * and plain objects of them, three levels deep; a result holding any other object disposes nothing) is disposed as
 * soon as `fn` returns, so its memory is reused at once; on a backend with
 * scratch results (wasm) the kernels inside also keep their results in backend memory, where the next kernel reads
 * them without a copy, and the result's tensors come back in ordinary storage. A scope inside another (each layer of
 * an encoder that has one) disposes its own temporaries too, and hands its result on in backend memory, where the
 * next layer reads it. `fn` must keep the tensors it makes nowhere but in its result (no caches).
 *
 * On the wasm backend this takes the copies of a Transformer encoder layer's forward from about 31 MiB in and 25 MiB
 * out to what its input and output need (`bench:kernels` shapes).
 *
 * @example
 * ```ts
 * // Inside a module: the temporaries of the forward below are disposed when it returns, under noGrad.
 * const y = noGrad(() => inferenceScope(x.backend, () => relu(add(matmul(x, w), b))));
 * console.assert(y.shape.length === 2);
 * ```
 */
export function inferenceScope<T>(backend: Backend, fn: () => T): T {
  if (isGradEnabled() || backend.garbageCollected !== true) return fn();
  const outermost = depth === 0;
  const created: Tensor[] = [];
  let result: T;
  depth++;
  try {
    const run = outermost && backend.scratchResults !== undefined ? () => backend.scratchResults!(fn) : fn;
    result = collectCreated(run, created).result;
  } catch (error) {
    for (const t of created) t.dispose();
    throw error;
  } finally {
    depth--;
  }
  const found: Settling = { kept: new Set(), opaque: false };
  const settled = settleResult(result, new Set(created), found, 0, outermost) as T;
  // A result it cannot see into keeps every tensor: they go with the garbage collector, as outside a scope.
  if (!found.opaque) for (const t of created) if (!found.kept.has(t)) t.dispose();
  return settled;
}
