// The key/value cache of a causal language model: per layer, the projected keys and values of every position seen so far.
import { concat, getBackend, slice, Tensor, transpose } from '@seqlab/tensor-core';
import type { HeadView } from './attention-spec.js';
import { headView } from './head-views.js';

/** The cached keys and values of one attention layer, `[B, S, dModel]` each (heads side by side), or null before the first call. */
export interface LayerKeyValues {
  /** Projected keys `[B, S, dModel]`. */
  readonly keys: Tensor | null;
  /** Projected values `[B, S, dModel]`. */
  readonly values: Tensor | null;
}

/** Where one attention call reads q, k and v after appending to the cache: sources, views and the key count. */
export interface CachedAttentionInputs {
  /** The tensors the views read. */
  readonly sources: Tensor[];
  /** q (this call's T rows), k and v (every cached position) as views of `sources`. */
  readonly views: [HeadView, HeadView, HeadView];
  /** Positions cached before this call (the causal offset of its queries). */
  readonly cached: number;
}

/**
 * One layer's keys and values, side by side as `[…, 2·E]` rows, kept in one of two ways:
 *
 * - while nothing records gradients, on a backend whose storage is JavaScript memory (cpu, wasm): in a time-major
 *   buffer `[capacity, B, 2E]` that each step writes its rows into; the cache tensor is the buffer's filled prefix
 *   `[S, B, 2E]`, adopted without copying. A step's rows go past every earlier prefix, so no earlier tensor changes,
 *   and nothing is re-copied per token (the buffer doubles when full).
 * - otherwise by `concat` onto a batch-first `[B, S, 2E]` tensor, so gradients reach the cached positions.
 */
class LayerEntry implements LayerKeyValues {
  private rows: Tensor | null = null;
  private timeMajor = false;
  private buffer: Float32Array | null = null;
  private split: [Tensor, Tensor] | null = null;

  get length(): number {
    return this.rows === null ? 0 : this.rows.shape[this.timeMajor ? 0 : 1];
  }

  get batch(): number | null {
    return this.rows === null ? null : this.rows.shape[this.timeMajor ? 1 : 0];
  }

  get keys(): Tensor | null {
    return this.parts()?.[0] ?? null;
  }

  get values(): Tensor | null {
    return this.parts()?.[1] ?? null;
  }

  /** Keys and values as batch-first `[B, S, E]` tensors, made on first use after each append. */
  private parts(): [Tensor, Tensor] | null {
    const rows = this.rows;
    if (rows === null) return null;
    if (this.split === null) {
      const [d0, d1, W] = rows.shape;
      const E = W / 2;
      const half = (from: number): Tensor => {
        const part = slice(rows, [0, 0, from], [d0, d1, E]);
        return this.timeMajor ? transpose(part, 0, 1) : part;
      };
      this.split = [half(0), half(E)];
    }
    return this.split;
  }

  /** Appends keys and values given as columns `[from, from + 2E)` of `source` `[B, T, ·]`; returns the whole rows. */
  append(source: Tensor, from: number, E: number): Tensor {
    const [B, T] = source.shape;
    this.split = null;
    const host = getBackend(source.backendName).garbageCollected === true && source.dtype === 'float32' && !source.requiresGrad;
    if (host && (this.rows === null || this.timeMajor)) {
      this.rows = this.appendToBuffer(source, from, E);
      this.timeMajor = true;
      return this.rows;
    }
    // Recorded for gradients (or not in JavaScript memory): concatenate batch-first rows.
    if (this.timeMajor && this.rows !== null) this.rows = transpose(this.rows, 0, 1);
    this.timeMajor = false;
    this.buffer = null;
    const fresh = from === 0 && source.shape[2] === 2 * E ? source : slice(source, [0, 0, from], [B, T, 2 * E]);
    this.rows = this.rows === null ? fresh : concat([this.rows, fresh], 1);
    return this.rows;
  }

  private appendToBuffer(source: Tensor, from: number, E: number): Tensor {
    const [B, T, W] = source.shape;
    const S = this.length;
    const row = B * 2 * E;
    if (this.buffer === null || (S + T) * row > this.buffer.length) {
      const grown = new Float32Array(Math.max(2 * (S + T), 16) * row);
      if (this.buffer !== null) grown.set(this.buffer.subarray(0, S * row));
      this.buffer = grown;
    }
    const values = source.dataSync() as Float32Array;
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const at = (b * T + t) * W + from;
        this.buffer.set(values.subarray(at, at + 2 * E), ((S + t) * B + b) * 2 * E);
      }
    }
    const backend = source.backend;
    return Tensor.fromHandle(backend, backend.adopt(this.buffer.subarray(0, (S + T) * row), 'float32'), [S + T, B, 2 * E], 'float32');
  }

  /** The views of keys and values (columns 0 and E of the rows), per head of width `D`. */
  keyValueViews(D: number): [HeadView, HeadView] {
    const rows = this.rows as Tensor;
    const E = rows.shape[2] / 2;
    return [headView(rows, { source: 1, column: 0 }, D, !this.timeMajor), headView(rows, { source: 1, column: E }, D, !this.timeMajor)];
  }

  clear(): void {
    this.rows = null;
    this.buffer = null;
    this.split = null;
    this.timeMajor = false;
  }
}

/**
 * Keys and values of the positions a causal model has already processed, one entry per layer, so that a new token
 * costs one step (its own projections plus attention over the cache) instead of a pass over the whole sequence.
 * Pass the same cache to successive `TransformerLM.forward` calls; `length` is the number of cached positions,
 * which is also the position of the next token. While nothing records gradients (generation runs under `noGrad`)
 * on the cpu and wasm backends, a step writes its keys and values into a growing buffer instead of copying the
 * whole cache into a new tensor.
 *
 * @example
 * ```ts
 * const lm = TransformerLM.fromPreset('tiny', { vocabSize: 20 }, { generator: new Generator(0) });
 * const cache = new KeyValueCache(lm.config.numLayers); // or lm.createCache()
 * lm.forward(tensor([[1, 2, 3]], undefined, 'int32'), { cache }); // the prompt
 * const next = lm.forward(tensor([[4]], undefined, 'int32'), { cache }); // one step, at position 3
 * console.assert(next.shape.join() === '1,1,20' && cache.length === 4);
 * console.assert(cache.layers[0].keys?.shape.join() === '1,4,64'); // [B, S, dModel]
 * cache.clear();
 * ```
 */
export class KeyValueCache {
  /** One entry per layer. */
  readonly layers: readonly LayerKeyValues[];
  private readonly entries: LayerEntry[];

  constructor(numLayers: number) {
    this.entries = Array.from({ length: numLayers }, () => new LayerEntry());
    this.layers = this.entries;
  }

  /** Number of cached positions. */
  get length(): number {
    return this.entries[0]?.length ?? 0;
  }

  /** Batch size of the cached positions, or null when empty. */
  get batch(): number | null {
    return this.entries[0]?.batch ?? null;
  }

  /** Appends a layer's new keys and values `[B, T, dModel]` and returns the full `[B, S + T, dModel]` tensors. */
  append(layer: number, keys: Tensor, values: Tensor): [Tensor, Tensor] {
    const entry = this.entries[layer];
    entry.append(concat([keys, values], 2), 0, keys.shape[2]);
    return [entry.keys as Tensor, entry.values as Tensor];
  }

  /**
   * Appends layer `layer`'s keys and values from its packed projections `qkv` `[B, T, 3E]` (q, k, v side by side)
   * and returns where attention reads q (this call's, from `qkv`), k and v (every position, from the cache).
   * @internal
   */
  appendProjections(layer: number, qkv: Tensor, headDim: number): CachedAttentionInputs {
    const entry = this.entries[layer];
    const E = qkv.shape[2] / 3;
    const cached = entry.length;
    const rows = entry.append(qkv, E, E);
    const [k, v] = entry.keyValueViews(headDim);
    return { sources: [qkv, rows], views: [headView(qkv, { source: 0, column: 0 }, headDim, true), k, v], cached };
  }

  /** Forgets every cached position. */
  clear(): void {
    for (const entry of this.entries) entry.clear();
  }
}
