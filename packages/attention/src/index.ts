// Public entry point of @seqlab/attention.
export { AdditiveAttention } from './additive-attention.js';
export type { AdditiveAttentionCallOptions, AdditiveAttentionOptions, AdditiveAttentionResult } from './additive-attention.js';
