// The CPU backend: TypeScript kernels over typed arrays; the reference every other backend is tested against.
import type { Backend, FusedKernels, Kernels } from '../backend.js';
import { allocArray, dtypeOfArray, DTYPES, type DType, type TypedArray } from '../dtype.js';
import { binaryKernels } from './binary.js';
import { unaryKernels } from './unary.js';
import { reduceKernels } from './reduce.js';
import { softmaxKernels } from './softmax.js';
import { matmulKernels } from './matmul.js';
import { castKernels } from './cast.js';
import { movementKernels } from './movement.js';
import { indexingKernels } from './indexing.js';
import { fusedGeluKernels, geluKernels } from './gelu.js';
import { fusedRecurrentKernels } from './fused-recurrent.js';
import { batchFirstSequences } from '../fused-recurrent-layout.js';
import { fusedAttentionKernels } from './fused-attention.js';
import { fusedLayerNormKernels } from './fused-layer-norm.js';
import { fusedLinearKernels } from './fused-linear.js';
import { fusedCrossEntropyKernels } from './fused-cross-entropy.js';
import { coreState } from '../shared-state.js';

function toDType(values: TypedArray, dtype: DType): TypedArray {
  if (dtypeOfArray(values) === dtype) return values;
  const out = allocArray(dtype, values.length);
  out.set(values as ArrayLike<number>);
  return out;
}

const kernels = {
  ...unaryKernels,
  ...binaryKernels,
  ...reduceKernels,
  ...softmaxKernels,
  ...matmulKernels,
  ...castKernels,
  ...movementKernels,
  ...indexingKernels,
  ...geluKernels,
} satisfies Kernels;

/**
 * The CPU backend, registered as `cpu` when tensor-core is imported (one object for every loaded copy of tensor-core).
 *
 * @example
 * ```ts
 * console.assert(cpuBackend.name === 'cpu' && listBackends().includes('cpu'));
 * ```
 */
export const cpuBackend: Backend = coreState.claim<Backend>('cpuBackend', {
  name: 'cpu',
  dtypes: DTYPES,
  upload: (values, dtype) => (dtypeOfArray(values) === dtype ? values.slice() : toDType(values, dtype)),
  adopt: (values, dtype) => toDType(values, dtype),
  readSync: (handle) => (handle as TypedArray).slice(),
  read: async (handle) => (handle as TypedArray).slice(),
  // Storage is garbage-collected; nothing to free.
  release: () => {},
  garbageCollected: true,
  kernels,
  fused: {
    ...batchFirstSequences(fusedRecurrentKernels, () => cpuBackend),
    ...fusedAttentionKernels,
    ...fusedLayerNormKernels,
    ...fusedLinearKernels,
    ...fusedCrossEntropyKernels,
    ...fusedGeluKernels,
  } satisfies FusedKernels,
});
