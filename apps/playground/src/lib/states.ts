// View model of the RNN state views: an LSTM LM's hidden and cell states over a text, and LSTMVis-style span
// selection (cells on over a selected span, then the other places where the same cells are on).
import { noGrad } from '@seqlab/autograd';
import { LSTM, type RecurrentLM } from '@seqlab/recurrent';
import { InvalidArgumentError, narrow, tensor, type Tensor } from '@seqlab/tensor-core';

/** The top layer's states after each character: `hidden[t][unit]`, `cell[t][unit]`. */
export interface LstmStates {
  readonly hidden: number[][];
  readonly cell: number[][];
}

/**
 * Runs an LSTM language model over `ids` one step at a time from a zero state, carrying (h, c), and records the top
 * layer's hidden state h_t and cell state c_t after every step.
 *
 * @example
 * ```ts
 * const { hidden, cell } = lstmStates(lm, tokenizer.encode('To be, or not'));
 * hidden.length; // 13 steps, each lm.config.hiddenSize numbers
 * ```
 */
export function lstmStates(lm: RecurrentLM, ids: ArrayLike<number>): LstmStates {
  const rnn = lm.rnn;
  if (!(rnn instanceof LSTM)) throw new InvalidArgumentError(`lstmStates: argument 'lm' must be an LSTM language model; received cell '${lm.config.cell}'`);
  if (ids.length === 0) throw new InvalidArgumentError(`lstmStates: argument 'ids' must hold at least one token; received none`);
  const size = lm.config.hiddenSize;
  const top = (lm.config.numLayers - 1) * size;
  // hN and cN are [numLayers, 1, hiddenSize]: the top layer is the last row.
  const lastLayer = (t: Tensor): number[] => Array.from(t.dataSync().subarray(top, top + size) as Float32Array);
  return noGrad(() => {
    const hidden: number[][] = [];
    const cell: number[][] = [];
    let h0: Tensor | null = null;
    let c0: Tensor | null = null;
    // Time-major [T, 1, embeddingDim], embedded at once; each step reads its [1, 1, embeddingDim] row.
    const embedded = lm.embedding.forward(tensor(Int32Array.from(ids), [ids.length, 1], 'int32'));
    for (let t = 0; t < ids.length; t++) {
      const { hN, cN } = rnn.forward(narrow(embedded, 0, t, 1), { h0, c0 });
      hidden.push(lastLayer(hN));
      cell.push(lastLayer(cN));
      h0 = hN;
      c0 = cN;
    }
    return { hidden, cell };
  });
}

/** The largest |value| in a state matrix: the symmetric colour domain of its heatmap. */
export function absMax(states: readonly (readonly number[])[]): number {
  let m = 0;
  for (const row of states) for (const v of row) m = Math.max(m, Math.abs(v));
  return m;
}

/**
 * LSTMVis's selection: the units whose value is at least `threshold` at every position of the span `[start, end)`.
 *
 * @example
 * ```ts
 * cellsOnOver(states.hidden, 4, 9, 0.3); // e.g. [7, 21]: units on across characters 4..8
 * ```
 */
export function cellsOnOver(states: readonly (readonly number[])[], start: number, end: number, threshold: number): number[] {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > states.length || start >= end) {
    throw new InvalidArgumentError(`cellsOnOver: the span [start, end) must be a non-empty range within [0, ${states.length}); received [${start}, ${end})`);
  }
  const units = states[0].length;
  const on: number[] = [];
  for (let u = 0; u < units; u++) {
    let all = true;
    for (let t = start; t < end && all; t++) all = states[t][u] >= threshold;
    if (all) on.push(u);
  }
  return on;
}

/** A run of positions `[start, end)` where every selected unit is on. */
export interface Match {
  readonly start: number;
  readonly end: number;
}

/**
 * LSTMVis's match view: the maximal runs of at least `minLength` positions where every unit of `cells` is at least
 * `threshold`. An empty cell list matches nothing.
 *
 * @example
 * ```ts
 * matchingSpans(states.hidden, [7, 21], 0.3, 2); // e.g. [{ start: 4, end: 9 }, { start: 31, end: 35 }]
 * ```
 */
export function matchingSpans(states: readonly (readonly number[])[], cells: readonly number[], threshold: number, minLength = 1): Match[] {
  const matches: Match[] = [];
  if (cells.length === 0) return matches;
  let start = -1;
  for (let t = 0; t <= states.length; t++) {
    const on = t < states.length && cells.every((u) => states[t][u] >= threshold);
    if (on && start < 0) start = t;
    if (!on && start >= 0) {
      if (t - start >= minLength) matches.push({ start, end: t });
      start = -1;
    }
  }
  return matches;
}

/** What the state view keeps in the URL. */
export interface StatesViewState {
  readonly text: string;
  readonly which: 'hidden' | 'cell';
  readonly threshold: number;
  readonly start: number;
  readonly end: number;
}

/**
 * Reads the view's state from a hash query (`text`, `state` = hidden|cell, `threshold` in [0, 1], `span` as
 * `start-end`), keeping `defaults` for what is missing or invalid.
 *
 * @example
 * ```ts
 * parseStatesQuery(new URLSearchParams('state=cell&span=3-9'), defaults); // { ..., which: 'cell', start: 3, end: 9 }
 * ```
 */
export function parseStatesQuery(query: URLSearchParams, defaults: StatesViewState): StatesViewState {
  const which = query.get('state');
  const threshold = Number(query.get('threshold') ?? 'x');
  const span = /^(\d+)-(\d+)$/.exec(query.get('span') ?? '');
  const validSpan = span !== null && Number(span[1]) < Number(span[2]);
  return {
    text: query.get('text') ?? defaults.text,
    which: which === 'hidden' || which === 'cell' ? which : defaults.which,
    threshold: Number.isFinite(threshold) && threshold >= 0 && threshold <= 1 ? threshold : defaults.threshold,
    start: validSpan ? Number(span[1]) : defaults.start,
    end: validSpan ? Number(span[2]) : defaults.end,
  };
}

/**
 * Writes the view's state as a hash query ({@link parseStatesQuery} reads it back).
 *
 * @example
 * ```ts
 * setQuery(formatStatesQuery(state));
 * ```
 */
export function formatStatesQuery(state: StatesViewState): URLSearchParams {
  return new URLSearchParams({ text: state.text, state: state.which, threshold: String(state.threshold), span: `${state.start}-${state.end}` });
}
