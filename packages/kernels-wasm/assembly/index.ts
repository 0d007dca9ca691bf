// Entry point of the AssemblyScript kernels: every export here becomes a wasm export.
export { matmulTile, matmulI32, matmulScratchBytes } from './matmul';
export { rowDots, rowCombination } from './gemv';
export { runTask } from './task';
export { unaryF32, unaryI32, clampF32, geluF32, geluBackwardF32 } from './unary';
export { broadcast2, where3 } from './binary';
export { reduceF32, reduceI32, argExtreme } from './reduce';
export { softmaxF32 } from './softmax';
export { crossEntropyF32, crossEntropyBackwardF32 } from './cross-entropy';
export { copyStrided, transposeBlock } from './copy';
export { attentionForwardF32, attentionBackwardF32, attentionScratchBytes } from './attention';
export { adamF32 } from './adam';
export { packForwardWeights, packBackwardWeights, storeColumnSumsF32 } from './recurrent';
export { layerNormF32, layerNormBackwardF32 } from './layer-norm';
export { biasActivationTile, biasGradientF32 } from './linear';
export { addLayerNormF32 } from './residual';

/** First byte after the module's static data; the JS allocator starts its heap above it. */
export function heapBase(): usize {
  return __heap_base;
}
