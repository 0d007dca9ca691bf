// The key/value cache of a causal language model: per layer, the projected keys and values of every position seen so far.
import { concat, type Tensor } from '@seqlab/tensor-core';

/** The cached keys and values of one attention layer, `[B, S, dModel]` each (heads side by side), or null before the first call. */
export interface LayerKeyValues {
  /** Projected keys `[B, S, dModel]`. */
  keys: Tensor | null;
  /** Projected values `[B, S, dModel]`. */
  values: Tensor | null;
}

/**
 * Keys and values of the positions a causal model has already processed, one entry per layer, so that a new token
 * costs one step (its own projections plus attention over the cache) instead of a pass over the whole sequence.
 * Pass the same cache to successive `TransformerLM.forward` calls; `length` is the number of cached positions,
 * which is also the position of the next token.
 *
 * @example
 * ```ts
 * const lm = TransformerLM.fromPreset('tiny', { vocabSize: 20 }, { generator: new Generator(0) });
 * const cache = new KeyValueCache(lm.config.numLayers); // or lm.createCache()
 * lm.forward(tensor([[1, 2, 3]], undefined, 'int32'), { cache }); // the prompt
 * const next = lm.forward(tensor([[4]], undefined, 'int32'), { cache }); // one step, at position 3
 * console.assert(next.shape.join() === '1,1,20' && cache.length === 4);
 * cache.clear();
 * ```
 */
export class KeyValueCache {
  /** One entry per layer. */
  readonly layers: LayerKeyValues[];

  constructor(numLayers: number) {
    this.layers = Array.from({ length: numLayers }, () => ({ keys: null, values: null }));
  }

  /** Number of cached positions. */
  get length(): number {
    const first = this.layers[0]?.keys;
    return first === null || first === undefined ? 0 : first.shape[1];
  }

  /** Appends a layer's new keys and values `[B, T, dModel]` and returns the full `[B, S + T, dModel]` tensors. */
  append(layer: number, keys: Tensor, values: Tensor): [Tensor, Tensor] {
    const entry = this.layers[layer];
    entry.keys = entry.keys === null ? keys : concat([entry.keys, keys], 1);
    entry.values = entry.values === null ? values : concat([entry.values, values], 1);
    return [entry.keys, entry.values];
  }

  /** Forgets every cached position. */
  clear(): void {
    for (const entry of this.layers) {
      entry.keys = null;
      entry.values = null;
    }
  }
}
