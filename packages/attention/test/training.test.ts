// A small causal Transformer trained inside the test learns to reverse sequences (inputs, separator, reversed inputs).
import { describe, expect, it } from 'vitest';
import { Generator, tensor } from '@seqlab/tensor-core';
import { Adam, clipGradNorm, noGrad } from '@seqlab/autograd';
import { TransformerLM } from '@seqlab/attention';

const LENGTH = 5;
const SYMBOLS = 8; // ids 1..8; 0 separates the input from its reversal
const SEP = 0;

/** A batch of `[x1..xn, SEP, xn..x1]` sequences as next-token inputs/targets; only the reversed half is scored. */
function reversalBatch(gen: Generator, batch: number): { inputs: number[][]; targets: number[][]; symbols: number[][] } {
  const inputs: number[][] = [],
    targets: number[][] = [],
    symbols: number[][] = [];
  for (let b = 0; b < batch; b++) {
    const xs = Array.from({ length: LENGTH }, () => 1 + gen.int(0, SYMBOLS - 1));
    const sequence = [...xs, SEP, ...[...xs].reverse()];
    inputs.push(sequence.slice(0, -1));
    targets.push(sequence.slice(1).map((t, i) => (i < LENGTH ? -100 : t)));
    symbols.push(xs);
  }
  return { inputs, targets, symbols };
}

describe('training a causal Transformer', () => {
  it('learns sequence reversal well above chance', () => {
    const gen = new Generator(2024);
    const lm = new TransformerLM(
      { vocabSize: SYMBOLS + 1, contextLength: 2 * LENGTH + 1, numLayers: 2, numHeads: 2, dModel: 32, dFF: 64 },
      { generator: new Generator(7) },
    );
    const optimizer = new Adam(lm.parameters(), { lr: 1e-2 });
    let loss = Infinity;
    for (let step = 0; step < 150; step++) {
      const { inputs, targets } = reversalBatch(gen, 16);
      const l = lm.loss(tensor(inputs, undefined, 'int32'), tensor(targets, undefined, 'int32'));
      optimizer.zeroGrad();
      l.backward();
      clipGradNorm(lm.parameters(), 1);
      optimizer.step();
      loss = l.item();
    }
    // Chance is ln 8 ≈ 2.08 nats per reversed symbol.
    expect(loss).toBeLessThan(0.2);
    const test = reversalBatch(new Generator(99), 40);
    let correct = 0;
    for (const xs of test.symbols) {
      const out = lm.generate([...xs, SEP], { length: LENGTH, temperature: 0 });
      out.forEach((t, i) => {
        if (t === xs[LENGTH - 1 - i]) correct++;
      });
    }
    expect(correct / (40 * LENGTH)).toBeGreaterThan(0.9);
    // Held-out loss on the reversed halves only (the other targets are ignored), as evaluate() scores a token stream.
    expect(test.targets.flat().filter((t) => t !== -100)).toHaveLength(40 * LENGTH);
    lm.eval();
    const heldOut = noGrad(() => lm.loss(tensor(test.inputs, undefined, 'int32'), tensor(test.targets, undefined, 'int32'))).item();
    expect(heldOut).toBeLessThan(0.3);
  });
});
