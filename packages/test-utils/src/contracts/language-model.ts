// One test body for the LanguageModel contract, run over every language model (TransformerLM in attention, RecurrentLM in recurrent).
import type { Module } from '@seqlab/autograd';
import type { LanguageModel } from '@seqlab/attention';
import { tensor, type Tensor } from '@seqlab/tensor-core';
import { describe, expect, it } from 'vitest';

/** A language model under test, built fresh by `make` (vocabulary of 7 tokens, context of at least 8), and its logits. */
export interface LanguageModelCase {
  /** Test name. */
  readonly name: string;
  /** A fresh model over 7 tokens. */
  readonly make: () => LanguageModel & Module;
  /** Decimal digits to which sums of its dtype agree (10 for float64, 5 for float32). */
  readonly digits: number;
  /** Next-token logits `[batch, seq, 7]` of `ids` `[batch, seq]`. */
  readonly logits: (model: LanguageModel & Module, ids: Tensor) => Tensor;
}

const V = 7;
const ids = (rows: number[][]): Tensor => tensor(rows, undefined, 'int32');
const TEXT = Array.from({ length: 27 }, (_, i) => (i * 5 + (i >> 1)) % V);

/** Mean cross-entropy in nats computed by hand from logits `[B, T, V]` and targets `[B][T]`, in float64. */
function handCrossEntropy(logits: Tensor, targets: number[][]): number {
  const values = Array.from(logits.dataSync());
  const [B, T] = logits.shape;
  let total = 0;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const row = values.slice((b * T + t) * V, (b * T + t + 1) * V);
      const max = Math.max(...row);
      const logSumExp = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
      total += logSumExp - row[targets[b][t]];
    }
  }
  return total / (B * T);
}

async function collect(stream: AsyncIterable<number>): Promise<number[]> {
  const out: number[] = [];
  for await (const token of stream) out.push(token);
  return out;
}

/** Runs the shared LanguageModel contract over each case. */
export function describeLanguageModelContract(cases: readonly LanguageModelCase[]): void {
  describe.each(cases)('$name satisfies the LanguageModel contract', ({ make, logits, digits }) => {
    it('loss(inputs, targets) is a scalar tensor on the tape equal to the hand-computed mean cross-entropy in nats', () => {
      const model = make();
      const inputs = [
        [0, 1, 2, 3, 4],
        [6, 5, 4, 3, 2],
      ];
      const targets = [
        [1, 2, 3, 4, 5],
        [5, 4, 3, 2, 1],
      ];
      const loss = model.loss(ids(inputs), ids(targets));
      expect(loss.shape).toEqual([]);
      expect(loss.requiresGrad).toBe(true);
      expect(loss.item()).toBeCloseTo(handCrossEntropy(logits(model, ids(inputs)), targets), digits);
      loss.backward();
      expect(model.parameters().some((p) => p.grad !== null && p.grad !== undefined)).toBe(true);
    });

    it('stream yields the tokens generate returns for the same seed or generator state, and checks its arguments at once', async () => {
      const model = make();
      const options = { length: 10, temperature: 0.9, topK: 3, topP: 0.7, seed: 11 };
      const whole = model.generate([1, 2], options);
      expect(whole).toHaveLength(10);
      expect(whole.every((t) => Number.isInteger(t) && t >= 0 && t < V)).toBe(true);
      expect(await collect(model.stream([1, 2], options))).toEqual(whole);
      expect(await collect(model.stream(Int32Array.of(1, 2), { ...options, topK: 0 }))).toEqual(model.generate([1, 2], { ...options, topK: 0 }));
      expect(model.generate([1, 2], { ...options, seed: 12 })).not.toEqual(whole);
      expect(model.generate([3], { length: 0 })).toEqual([]);
      expect(model.training).toBe(true);
      // A stream left early stops drawing and restores the training mode.
      const first: number[] = [];
      for await (const t of model.stream([1, 2], { ...options, length: 1000 })) {
        expect(model.training).toBe(false);
        first.push(t);
        if (first.length === 4) break;
      }
      expect(first).toEqual(whole.slice(0, 4));
      expect(model.training).toBe(true);
      const emptyPrompt = expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/'prompt'.*at least one token/) });
      expect(() => model.stream([], options)).toThrow(emptyPrompt);
      expect(() => model.stream([V], options)).toThrow(/'prompt' must hold token ids in \[0, 7\); received 7 at index 0/);
      expect(() => model.generate([1], { ...options, topK: -1 })).toThrow(/option 'topK'.*received -1/);
      expect(() => model.generate([1], { ...options, length: -1 })).toThrow(/option 'length'.*received -1/);
    });

    it('temperature 0 is greedy: each token is the arg max of the logits after the text before it', () => {
      const model = make();
      const text = [4, 1];
      for (const token of model.generate([4, 1], { length: 5, temperature: 0 })) {
        const row = Array.from(logits(model, ids([text])).dataSync()).slice(-V);
        expect(token).toBe(row.indexOf(Math.max(...row)));
        text.push(token);
      }
    });

    it('evaluate(ids, options) scores consecutive windows from a fresh state and returns the same record', () => {
      const model = make();
      const seqLen = 8;
      const windows = [0, 1, 2].map((w) => TEXT.slice(w * seqLen, w * seqLen + seqLen + 1));
      const expected = model.loss(ids(windows.map((w) => w.slice(0, -1))), ids(windows.map((w) => w.slice(1)))).item();
      const result = model.evaluate(TEXT, { seqLen });
      expect(Object.keys(result).sort()).toEqual(['bitsPerToken', 'nats', 'perplexity', 'tokens']);
      expect(result.tokens).toBe(24);
      expect(result.nats).toBeCloseTo(expected, digits);
      expect(result.bitsPerToken).toBeCloseTo(expected / Math.LN2, digits);
      expect(result.perplexity).toBeCloseTo(Math.exp(expected), digits - 2);
      // The batch size changes the speed, never the result; maxTokens keeps whole windows from the start.
      expect(model.evaluate(TEXT, { seqLen, batchSize: 2 }).nats).toBeCloseTo(expected, digits);
      const capped = model.evaluate(TEXT, { seqLen, maxTokens: 17 });
      expect(capped.tokens).toBe(16);
      const firstTwo = windows.slice(0, 2);
      expect(capped.nats).toBeCloseTo(model.loss(ids(firstTwo.map((w) => w.slice(0, -1))), ids(firstTwo.map((w) => w.slice(1)))).item(), digits);
      // A text shorter than one window is scored as one window.
      expect(model.evaluate(TEXT.slice(0, 5), { seqLen }).tokens).toBe(4);
      expect(model.training).toBe(true);
      expect(() => model.evaluate([1])).toThrow(/argument 'ids' must hold at least 2 tokens; received 1/);
      expect(() => model.evaluate(TEXT, { seqLen: 0 })).toThrow(/option 'seqLen' must be an integer ≥ 1; received 0/);
      expect(() => model.evaluate(TEXT, { batchSize: 1.5 })).toThrow(/option 'batchSize'.*received 1.5/);
    });
  });
}
