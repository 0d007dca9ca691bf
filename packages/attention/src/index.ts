// Public entry point of @seqlab/attention.
export { AdditiveAttention } from './additive-attention.js';
export type { AdditiveAttentionCallOptions, AdditiveAttentionOptions, AdditiveAttentionResult } from './additive-attention.js';
export { scaledDotProductAttention } from './scaled-dot-product-attention.js';
export type { AttentionResult, ScaledDotProductAttentionOptions } from './scaled-dot-product-attention.js';
export { isFusedAttentionEnabled, setFusedAttentionEnabled } from './attention-core.js';
export { getAttentionMemoryBudget, setAttentionMemoryBudget } from './memory-budget.js';
export { causalMask, generateSquareSubsequentMask } from './causal-mask.js';
export { MultiHeadAttention } from './multi-head-attention.js';
export type { MultiHeadAttentionCallOptions, MultiHeadAttentionOptions } from './multi-head-attention.js';
