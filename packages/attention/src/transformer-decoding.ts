// KV-cached token-by-token decoding of a TransformerLM on its backend's kernels called on storages directly (no tensors per token).
import { isFusedEnabled, type FusedAttentionProblem } from '@seqlab/tensor-core';
import type { LayerNorm, Linear } from '@seqlab/autograd';
import type { DecodingSession } from './language-model.js';
import { StepKernels, type FloatArray } from './step-kernels.js';
import type { TransformerLM } from './transformer-lm.js';

/**
 * Generation after `prompt` with a key/value cache, running each token's step on the backend's kernels without
 * tensors: the matmul, fused LayerNorm, fused attention and gelu kernels that `TransformerLM.forward` calls, with the
 * same shapes and layouts (the cache is the time-major `[S, 1, 2E]` buffer of keys and values side by side that
 * `KeyValueCache` keeps), and the residual and position additions done in the storage dtype. The logits are therefore
 * bitwise those of `forward` with a `KeyValueCache`. Once the context is full the window slides by one token and is
 * re-encoded from the last `contextLength` tokens, as the tensor path does. Returns null, and the caller decodes with
 * tensors, where storages are not typed arrays, a kernel is missing, or a fused path is off (`setFusedEnabled`, a
 * LayerNorm's `fused`).
 *
 * @example
 * ```ts
 * const session = fusedTransformerDecoding(lm, Int32Array.of(1, 2, 3));
 * if (session !== null) console.log(session.logits, session.next(4)); // next-token logits after 1 2 3, then after 4
 * ```
 */
export function fusedTransformerDecoding(model: TransformerLM, prompt: Int32Array): DecodingSession | null {
  const { wte, wpe, h: blocks, ln_f } = model.transformer;
  const step = StepKernels.create(wte.weight);
  const fused = wte.weight.backend.fused;
  const norms = [ln_f, ...blocks.flatMap((b) => [b.ln_1, b.ln_2])];
  const layerNorm = fused?.layerNorm;
  const attention = fused?.attention;
  const usable =
    step !== null &&
    isFusedEnabled() &&
    layerNorm !== undefined &&
    fused?.layerNormBackward !== undefined &&
    attention !== undefined &&
    fused.attentionBackward !== undefined &&
    step.backend.kernels.gelu !== undefined &&
    norms.every((n) => n.fused && n.normalizedShape.length === 1 && n.weight !== null && n.weight.dtype === step.dtype);
  if (!usable) return null;
  const { contextLength: ctx, dModel: E, numHeads: H, vocabSize: V } = model.config;
  const D = E / H;
  // Per layer, keys and values of every cached position side by side: [ctx, 1, 2E], time-major.
  // Resident where the backend allows, so that attention reads the cache in place instead of staging it every call.
  const caches = blocks.map(() => step.residentZeros(ctx * 2 * E));
  let cached = 0;
  const norm = (x: FloatArray, T: number, n: LayerNorm): FloatArray => layerNorm(step.info(x, [1, T, E]), n.weight, n.bias, n.eps).output as FloatArray;
  const linear = (x: FloatArray, T: number, l: Linear): FloatArray => step.linear(x, T, l.weight, l.bias);
  const attend = (qkv: FloatArray, T: number, cache: FloatArray): FloatArray => {
    const S = cached + T;
    const problem: FusedAttentionProblem = {
      dtype: step.dtype as 'float32' | 'float64',
      batch: 1,
      heads: H,
      queryLength: T,
      keyLength: S,
      headDim: D,
      valueDim: D,
      q: { handle: qkv, offset: 0, batchStride: T * 3 * E, headStride: D, rowStride: 3 * E },
      // The whole buffer (a resident one is found by identity); the kernel reads its first S rows.
      k: { handle: cache, offset: 0, batchStride: 2 * E, headStride: D, rowStride: 2 * E },
      v: { handle: cache, offset: E, batchStride: 2 * E, headStride: D, rowStride: 2 * E },
      scale: 1 / Math.sqrt(D),
      causalOffset: cached,
      mask: null,
      bias: null,
      dropout: null,
      outStrides: [T * E, D, E],
      outShape: [1, T, E],
    };
    return attention(problem, false).out as FloatArray;
  };
  const row = step.zeros(E);
  const run = (ids: ArrayLike<number>): FloatArray => {
    const T = ids.length;
    // Token rows plus the position rows cached..cached+T−1, which lie one after another in wpe; a token's step reuses
    // one buffer (the kernels copy their inputs and return new arrays, so nothing holds it past the step).
    const x = step.addInto(step.gatherRows(wte.weight, ids, T === 1 ? row : step.zeros(T * E)), step.values(wpe.weight), cached * E);
    blocks.forEach((block, layer) => {
      const qkv = linear(norm(x, T, block.ln_1), T, block.attn.c_attn);
      // This step's keys and values (columns E..3E of each row) go after the cached positions.
      for (let t = 0; t < T; t++) caches[layer].set(qkv.subarray(t * 3 * E + E, (t + 1) * 3 * E), (cached + t) * 2 * E);
      step.addInto(x, linear(attend(qkv, T, caches[layer]), T, block.attn.c_proj));
      const hidden = linear(norm(x, T, block.ln_2), T, block.mlp.c_fc);
      const activated = step.call('gelu', step.info(hidden, [1, T, hidden.length / T]), 'none') as FloatArray;
      step.addInto(x, linear(activated, T, block.mlp.c_proj));
    });
    cached += T;
    // Every position's logits, as the tensor path's head does (one product of T rows); the last is the next token's.
    return step.linear(norm(x, T, ln_f), T, model.lm_head.weight, null).subarray((T - 1) * V, T * V);
  };
  const tokens = Array.from(prompt);
  const first = run(tokens.slice(-ctx));
  return {
    logits: first,
    next: (token) => {
      tokens.push(token);
      if (cached < ctx) return run([token]);
      cached = 0;
      return run(tokens.slice(-ctx));
    },
    close: () => caches.forEach((cache) => step.release(cache)),
  };
}
