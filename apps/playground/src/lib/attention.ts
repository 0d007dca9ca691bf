// View model of the attention views: per-head weights of a TransformerLM, head selection, head-view lines, the
// q·k/√d → softmax decomposition of one cell, and seq2seq cross-attention, all computed from the model.
import type { TransformerLM } from '@seqlab/attention';
import { noGrad } from '@seqlab/autograd';
import type { CharTokenizer, WordTokenizer } from '@seqlab/datasets';
import type { Seq2Seq } from '@seqlab/recurrent';
import { add, arange, argmax, InvalidArgumentError, tensor, type Tensor } from '@seqlab/tensor-core';
import { seriesColor } from './palette.js';

/**
 * Colour of head `h`: the playground's colour-blind-safe categorical palette (Okabe-Ito), one colour per head.
 *
 * @example
 * ```ts
 * headColour(0); // '#0072B2'
 * ```
 */
export function headColour(h: number): string {
  return seriesColor(h);
}

/** Every layer's per-head attention weights for one sequence: `weights[layer][head][query][key]`. */
export interface AttentionMaps {
  readonly tokens: readonly string[];
  readonly layers: number;
  readonly heads: number;
  readonly weights: number[][][][];
}

/** Text split into the tokenizer's characters, with the characters it does not know. */
export interface EncodedText {
  readonly ids: number[];
  readonly tokens: string[];
  /** Characters of the text outside the vocabulary (they are left out of `ids`). */
  readonly unknown: string[];
}

/**
 * Encodes user text character by character, keeping at most `maxLength` characters and reporting (rather than
 * throwing on) characters outside the vocabulary.
 *
 * @example
 * ```ts
 * encodeText(tokenizer, 'To be', 64).tokens; // ['T', 'o', ' ', 'b', 'e']
 * ```
 */
export function encodeText(tokenizer: CharTokenizer, text: string, maxLength: number): EncodedText {
  const ids: number[] = [];
  const tokens: string[] = [];
  const unknown: string[] = [];
  for (const ch of text) {
    const id = tokenizer.idOf(ch);
    if (id === undefined) {
      if (!unknown.includes(ch)) unknown.push(ch);
    } else if (ids.length < maxLength) {
      ids.push(id);
      tokens.push(ch);
    }
  }
  return { ids, tokens, unknown };
}

const asIds = (ids: readonly number[]): Tensor => tensor(Int32Array.from(ids), [1, ids.length], 'int32');

/**
 * The model's attention weights for `ids` (one sequence), from `TransformerLM.forwardWithWeights`.
 *
 * @example
 * ```ts
 * const maps = transformerAttention(lm, ids, tokens);
 * maps.weights[0][1][5]; // layer 0, head 1: how query 5 spreads over keys 0..T-1
 * ```
 */
export function transformerAttention(lm: TransformerLM, ids: readonly number[], tokens: readonly string[]): AttentionMaps {
  if (ids.length === 0) throw new InvalidArgumentError(`transformerAttention: argument 'ids' must hold at least one token; received none`);
  const { attentionWeights } = noGrad(() => lm.forwardWithWeights(asIds(ids)));
  const weights = attentionWeights.map((w) => (w.toArray() as number[][][][])[0]);
  return { tokens, layers: lm.config.numLayers, heads: lm.config.numHeads, weights };
}

/** Which heads are shown. */
export type HeadSelection = readonly boolean[];

/**
 * bertviz's click: toggles one head.
 *
 * @example
 * ```ts
 * toggleHead([true, true], 1); // [true, false]
 * ```
 */
export function toggleHead(selection: HeadSelection, head: number): boolean[] {
  return selection.map((on, h) => (h === head ? !on : on));
}

/**
 * bertviz's double-click: shows only `head`; isolating the head already shown alone shows every head again.
 *
 * @example
 * ```ts
 * isolateHead([true, true, true], 2); // [false, false, true]
 * isolateHead([false, false, true], 2); // [true, true, true]
 * ```
 */
export function isolateHead(selection: HeadSelection, head: number): boolean[] {
  const alone = selection.every((on, h) => on === (h === head));
  return selection.map((_, h) => alone || h === head);
}

/** One line of the head view: from a query token on the left to a key token on the right. */
export interface HeadLine {
  readonly head: number;
  readonly query: number;
  readonly key: number;
  readonly weight: number;
}

/**
 * The lines the head view draws for one layer: with a focused token, only its row (as a query); otherwise every
 * (query, key) pair. Lines of hidden heads, masked keys (weight 0) and lines below `minWeight` are left out.
 *
 * @example
 * ```ts
 * headViewLines(maps, 0, [true, false], 3); // head 0's attention from token 3 to each earlier token
 * ```
 */
export function headViewLines(maps: AttentionMaps, layer: number, selection: HeadSelection, focus: number | null, minWeight = 0.01): HeadLine[] {
  const lines: HeadLine[] = [];
  const length = maps.tokens.length;
  for (let head = 0; head < maps.heads; head++) {
    if (!selection[head]) continue;
    for (let query = 0; query < length; query++) {
      if (focus !== null && query !== focus) continue;
      maps.weights[layer][head][query].forEach((weight, key) => {
        if (weight > 0 && weight >= minWeight) lines.push({ head, query, key, weight });
      });
    }
  }
  return lines;
}

/** The computation of one attention weight row, step by step, from the model's own projections. */
export interface CellDecomposition {
  readonly layer: number;
  readonly head: number;
  readonly query: number;
  readonly key: number;
  /** The query vector q_i of this head (`headDim` numbers). */
  readonly q: number[];
  /** The key vectors k_j of this head, one per position. */
  readonly keys: number[][];
  /** Element-wise products q_i · k_key (they sum to `dots[key]`). */
  readonly products: number[];
  /** q_i · k_j for every j. */
  readonly dots: number[];
  /** 1/√headDim. */
  readonly scale: number;
  /** dots · scale. */
  readonly scaled: number[];
  /** true where the causal mask hides the key (j > i). */
  readonly masked: boolean[];
  /** softmax over the unmasked scaled scores; 0 where masked. */
  readonly softmax: number[];
}

/**
 * Decomposes the attention weight of `query` on `key` in (`layer`, `head`): the model's embeddings and blocks give
 * the layer's input, its `ln_1` and `c_attn` give q and k (nanoGPT's layout: rows W_q; W_k; W_v), and the dot
 * products, the 1/√d scale, the causal mask and the softmax are done here in plain numbers, so a test can check the
 * result against the weights `forwardWithWeights` returns.
 *
 * @example
 * ```ts
 * const cell = decomposeCell(lm, ids, 1, 0, 7, 3);
 * cell.softmax[3]; // equals transformerAttention(lm, ids, tokens).weights[1][0][7][3]
 * ```
 */
export function decomposeCell(lm: TransformerLM, ids: readonly number[], layer: number, head: number, query: number, key: number): CellDecomposition {
  const { numLayers, numHeads, dModel } = lm.config;
  const T = ids.length;
  const checks: [string, number, number][] = [
    ['layer', layer, numLayers],
    ['head', head, numHeads],
    ['query', query, T],
    ['key', key, T],
  ];
  for (const [name, value, limit] of checks) {
    if (!Number.isInteger(value) || value < 0 || value >= limit) {
      throw new InvalidArgumentError(`decomposeCell: argument '${name}' must be an integer in [0, ${limit}); received ${value}`);
    }
  }
  const D = dModel / numHeads;
  const qkv = noGrad(() => {
    const body = lm.transformer;
    let x = add(body.wte.forward(asIds(ids)), body.wpe.forward(arange(0, T, 1, { dtype: 'int32' })));
    for (let l = 0; l < layer; l++) x = body.h[l].forward(x);
    const block = body.h[layer];
    return (block.attn.c_attn.forward(block.ln_1.forward(x)).toArray() as number[][][])[0];
  });
  const q = qkv[query].slice(head * D, (head + 1) * D);
  const keys = qkv.map((row) => row.slice(dModel + head * D, dModel + (head + 1) * D));
  const dots = keys.map((k) => k.reduce((s, kd, d) => s + q[d] * kd, 0));
  const scale = 1 / Math.sqrt(D);
  const scaled = dots.map((d) => d * scale);
  const masked = scaled.map((_, j) => j > query);
  const max = Math.max(...scaled.filter((_, j) => !masked[j]));
  const exps = scaled.map((s, j) => (masked[j] ? 0 : Math.exp(s - max)));
  const total = exps.reduce((a, b) => a + b, 0);
  return {
    layer,
    head,
    query,
    key,
    q,
    keys,
    products: q.map((qd, d) => qd * keys[key][d]),
    dots,
    scale,
    scaled,
    masked,
    softmax: exps.map((e) => e / total),
  };
}

/** A greedy translation with the decoder's attention over the source at every output step. */
export interface CrossAttention {
  /** Source words, with the `<eos>` the encoder reads last. */
  readonly source: string[];
  /** Output words, the last one `<eos>` when decoding finished within the length limit. */
  readonly output: string[];
  /** `weights[outputStep][sourcePosition]`; each row sums to 1. */
  readonly weights: number[][];
}

/**
 * Translates `sentence` greedily with a seq2seq model that has attention, recording the decoder's attention over the
 * source at each step (Bahdanau's alignment matrix). Unknown words become `<unk>`, as the tokenizer encodes them.
 *
 * @example
 * ```ts
 * const { output, weights } = crossAttention(model, source, target, 'the girl dances');
 * ```
 */
export function crossAttention(model: Seq2Seq, source: WordTokenizer, target: WordTokenizer, sentence: string, maxLength = 24): CrossAttention {
  if (model.decoder.attention === null) throw new InvalidArgumentError(`crossAttention: argument 'model' must be a Seq2Seq built with attention: true`);
  const sourceIds = source.encode(sentence, { addEos: true });
  if (sourceIds.length < 2) throw new InvalidArgumentError(`crossAttention: argument 'sentence' must hold at least one word; received '${sentence}'`);
  return noGrad(() => {
    const { memory, state: encoded } = model.encoder.forward(tensor(sourceIds, [1, sourceIds.length], 'int32'), null);
    const keys = model.decoder.projectKeys(memory);
    let state = encoded;
    let previous = target.bosId;
    const output: string[] = [];
    const weights: number[][] = [];
    for (let t = 0; t < maxLength && previous !== target.eosId; t++) {
      const step = model.decoder.forward(tensor([previous], [1], 'int32'), state, memory, keys);
      weights.push(Array.from(step.attention!.dataSync()));
      previous = argmax(step.logits, 1).dataSync()[0];
      output.push(target.decode([previous], { skipSpecial: false }));
      state = step.state;
    }
    return { source: Array.from(sourceIds, (id) => source.decode([id], { skipSpecial: false })), output, weights };
  });
}

/** What the attention view keeps in the URL, so a view is shared by copying the address. */
export interface AttentionViewState {
  readonly text: string;
  readonly layer: number;
  readonly heads: readonly boolean[];
  /** The decomposed cell. */
  readonly cell: { readonly layer: number; readonly head: number; readonly query: number; readonly key: number };
  /** The seq2seq sentence. */
  readonly sentence: string;
}

const intIn = (value: string | null | undefined, limit: number, fallback: number): number => {
  const n = Number(value);
  return value != null && value !== '' && Number.isInteger(n) && n >= 0 && n < limit ? n : fallback;
};

/**
 * Reads the view's state from a hash query (`text`, `layer`, `heads` as 0/1 per head, `cell` as
 * `layer.head.query.key`, `sentence`), keeping `defaults` for what is missing or out of range for a model of
 * `layers` × `heads`.
 *
 * @example
 * ```ts
 * parseAttentionQuery(new URLSearchParams('layer=1&heads=0110'), defaults, 2, 4).heads; // [false, true, true, false]
 * ```
 */
export function parseAttentionQuery(query: URLSearchParams, defaults: AttentionViewState, layers: number, heads: number): AttentionViewState {
  const mask = query.get('heads');
  const cell = (query.get('cell') ?? '').split('.');
  const validCell = cell.length === 4 && cell.every((c) => /^\d+$/.test(c));
  return {
    text: query.get('text') ?? defaults.text,
    layer: intIn(query.get('layer'), layers, defaults.layer),
    heads: mask !== null && new RegExp(`^[01]{${heads}}$`).test(mask) && mask.includes('1') ? [...mask].map((c) => c === '1') : defaults.heads,
    cell: validCell
      ? { layer: intIn(cell[0], layers, 0), head: intIn(cell[1], heads, 0), query: Number(cell[2]), key: Math.min(Number(cell[2]), Number(cell[3])) }
      : defaults.cell,
    sentence: query.get('sentence') ?? defaults.sentence,
  };
}

/**
 * Writes the view's state as a hash query ({@link parseAttentionQuery} reads it back).
 *
 * @example
 * ```ts
 * setQuery(formatAttentionQuery(state));
 * ```
 */
export function formatAttentionQuery(state: AttentionViewState): URLSearchParams {
  const { cell } = state;
  return new URLSearchParams({
    text: state.text,
    layer: String(state.layer),
    heads: state.heads.map((on) => (on ? '1' : '0')).join(''),
    cell: `${cell.layer}.${cell.head}.${cell.query}.${cell.key}`,
    sentence: state.sentence,
  });
}
