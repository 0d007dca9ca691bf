// The wasm backend object: JS-owned typed-array storage and the table of wasm kernels run in call frames.
import { allocArray, dtypeOfArray, DTypeMismatchError, type Backend, type DType, type FusedKernels, type Kernels, type TypedArray } from '@seqlab/tensor-core';
import { adamStep, adamUpdate } from './adam.js';
import { WASM_DTYPES } from './call-frame.js';
import { framedTable } from './framed.js';
import { fusedAttentionKernels } from './fused-attention.js';
import { fusedCrossEntropyKernels } from './fused-cross-entropy.js';
import { fusedGeluKernels } from './fused-gelu.js';
import { fusedLayerNormKernels } from './fused-layer-norm.js';
import { fusedLinearKernels } from './fused-linear.js';
import { fusedRecurrentKernels } from './fused-recurrent.js';
import { releaseStorage, residentCopy, runtime } from './context.js';
import { recycler } from './recycler.js';
import { wasmState } from './shared.js';
import { binaryKernels } from './kernels/binary.js';
import { castKernels } from './kernels/cast.js';
import { indexingKernels } from './kernels/indexing.js';
import { matmulKernels, wakeForMatmul } from './kernels/matmul.js';
import { movementKernels, rowTranspose } from './kernels/movement.js';
import { reduceKernels } from './kernels/reduce.js';
import { softmaxKernels } from './kernels/softmax.js';
import { unaryKernels } from './kernels/unary.js';

export { WASM_DTYPES };

/**
 * What the wasm backend's `fused` table holds beyond tensor-core's `FusedKernels`: the in-place Adam step.
 *
 * @example
 * ```ts
 * wasmBackend.fused.adamUpdate(w, grad, m, v, { lr: 1e-3, step: 1 });
 * ```
 */
export interface WasmFusedKernels {
  /** {@link adamUpdate}: one Adam / AdamW step updating `param`, `m` and `v` in place. */
  readonly adamUpdate: typeof adamUpdate;
}

/**
 * The wasm backend's type: a tensor-core `Backend` whose `fused` table has every fused kernel.
 *
 * @example
 * ```ts
 * const step = wasmBackend.fused.adamStep; // defined, no check needed
 * ```
 */
export interface WasmBackend extends Backend {
  /** Every kernel of tensor-core's `FusedKernels`, plus {@link WasmFusedKernels}. */
  readonly fused: Required<FusedKernels> & WasmFusedKernels;
}

// Matmul wakes the worker threads before its inputs are copied in.
const framedKernels: Kernels = framedTable(
  {
    ...unaryKernels,
    ...binaryKernels,
    ...reduceKernels,
    ...softmaxKernels,
    ...matmulKernels,
    ...castKernels,
    ...movementKernels,
    ...indexingKernels,
  },
  { matmul: wakeForMatmul },
);
// A transpose of long contiguous runs copies them in JS before any call frame would stage its input.
const kernels: Kernels = { ...framedKernels, transpose: (x, perm) => rowTranspose(x, perm) ?? framedKernels.transpose(x, perm) };

function checkDType(op: string, dtype: DType): void {
  if (!WASM_DTYPES.includes(dtype)) {
    throw new DTypeMismatchError(`${op}: the wasm backend stores ${WASM_DTYPES.join(', ')}; received ${dtype} (keep float64 tensors on the 'cpu' backend)`);
  }
}

// `values` as the dtype's typed array; typed-array set converts element types the way the CPU backend's stores do.
function convert(values: TypedArray, dtype: DType): TypedArray {
  const out = allocArray(dtype, values.length);
  out.set(values as ArrayLike<number>);
  return out;
}

// A copy of a storage's values; reading a resident storage back is a copy out of wasm memory, counted as one.
function readCopy(handle: unknown): TypedArray {
  const values = (handle as TypedArray).slice();
  if (runtime().resident.addressOf(handle as object) >= 0) runtime().frame.countCopiedOut(values.byteLength);
  return values;
}

// Runs `fn` with the results of kernel calls made resident (where memory is shared), for an owner that disposes them.
function scratchResults<T>(fn: () => T): T {
  const frame = runtime().frame;
  const outer = frame.scratch;
  frame.scratch = true;
  try {
    return fn();
  } finally {
    frame.scratch = outer;
  }
}

/**
 * The `wasm` backend: float32/int32/bool storage in JS typed arrays that the garbage collector reclaims (a disposed
 * tensor's array, 64 KiB or more, is reused for the next result of its dtype and length), f32x4 SIMD
 * kernels that run on a per-call region of WebAssembly memory (inputs copied in, results copied out, the region
 * released when the call returns; parameters and Adam moments are resident in wasm memory where it is shared, and
 * read in place), large matmuls split across worker threads, and in `fused` a one-pass Adam/AdamW
 * step (`adamUpdate` in place; `adamStep`, returning new storages, for @seqlab/autograd's Adam) and the LSTM/GRU
 * sequence kernels of @seqlab/recurrent (`lstmSequence`, `gruSequence` and their backward kernels), fused attention,
 * LayerNorm over the last axis (`layerNorm`, `layerNormBackward`), cross-entropy over rows of logits
 * (`crossEntropy`, `crossEntropyBackward`) and the GELU gradient (`geluBackward`).
 *
 * @example
 * ```ts
 * const x = tensor([1, 2, 3], undefined, { backend: 'wasm' });
 * console.assert(x.backend === wasmBackend && wasmBackend.name === 'wasm');
 * console.assert(typeof wasmBackend.fused.adamStep === 'function'); // every fused kernel is there
 * ```
 */
export const wasmBackend: WasmBackend = wasmState.claim<WasmBackend>('wasmBackend', {
  name: 'wasm',
  dtypes: WASM_DTYPES,
  upload(values, dtype) {
    checkDType('upload', dtype);
    return recycler.own(dtypeOfArray(values) === dtype ? values.slice() : convert(values, dtype));
  },
  adopt(values, dtype) {
    checkDType('adopt', dtype);
    return dtypeOfArray(values) === dtype ? values : convert(values, dtype);
  },
  readSync: readCopy,
  read: async (handle) => readCopy(handle),
  // Storage is garbage-collected; a disposed tensor's array is kept for the next result of its size (recycler.ts),
  // and a resident storage's block of wasm memory is freed (resident.ts).
  release: releaseStorage,
  // Parameters (autograd's `parameter()`, kept by `assign`) live in wasm memory, where kernels read them in place.
  resident: residentCopy,
  isResident: (handle) => typeof handle === 'object' && handle !== null && runtime().resident.addressOf(handle) >= 0,
  // Autograd's backward: gradients and rule temporaries it disposes once consumed stay in wasm memory (call-frame.ts).
  scratchResults,
  garbageCollected: true,
  kernels,
  fused: framedTable({
    adamUpdate,
    adamStep,
    ...fusedRecurrentKernels,
    ...fusedAttentionKernels,
    ...fusedLayerNormKernels,
    ...fusedLinearKernels,
    ...fusedCrossEntropyKernels,
    ...fusedGeluKernels,
  } satisfies Required<FusedKernels> & WasmFusedKernels),
});
