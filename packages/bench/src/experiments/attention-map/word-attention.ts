// Turning character-level attention weights into word-level maps: the mean over a word's query characters of the
// weight mass on each key word's characters, renormalised over the words (spaces carry no word).

/** A word and its character span `[start, end)`. */
export interface WordSpan {
  /** The word. */
  readonly word: string;
  /** Index of its first character. */
  readonly start: number;
  /** Index after its last character. */
  readonly end: number;
}

/**
 * Character spans `[start, end)` of the space-separated words of `sentence`.
 *
 * @example
 * ```ts
 * const spans = wordSpans('the  cat sat');
 * console.assert(spans.map((s) => `${s.word}@${s.start}-${s.end}`).join() === 'the@0-3,cat@5-8,sat@9-12');
 * ```
 */
export function wordSpans(sentence: string): WordSpan[] {
  const spans: WordSpan[] = [];
  const re = /\S+/g;
  for (let m = re.exec(sentence); m !== null; m = re.exec(sentence)) spans.push({ word: m[0], start: m.index, end: m.index + m[0].length });
  return spans;
}

/**
 * Word × word attention from a `[length, length]` row-major character attention matrix `weights` (rows: queries).
 * Row i sums to 1 over the key words whose characters query word i can see.
 *
 * @example
 * ```ts
 * const sentence = 'a bc';
 * const n = sentence.length;
 * const weights = new Float32Array(n * n).fill(1 / n); // every character attends uniformly
 * const map = wordAttention(weights, n, wordSpans(sentence));
 * console.assert(map.length === 2 && Math.abs(map[0][1] - 2 / 3) < 1e-6); // 'bc' holds two of the three word characters
 * ```
 */
export function wordAttention(weights: ArrayLike<number>, length: number, spans: readonly { start: number; end: number }[]): number[][] {
  return spans.map((q) => {
    const row = spans.map((k) => {
      let mass = 0;
      for (let i = q.start; i < q.end; i++) for (let j = k.start; j < k.end; j++) mass += weights[i * length + j];
      return mass / (q.end - q.start);
    });
    const total = row.reduce((a, b) => a + b, 0);
    return total > 0 ? row.map((v) => v / total) : row;
  });
}
