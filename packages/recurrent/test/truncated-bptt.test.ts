// Truncated BPTT: the state carried across chunks with detachState continues the stream exactly, and gradients stop at the boundary.
import '@seqlab/autograd';
import { Generator, narrow, randint, type Tensor } from '@seqlab/tensor-core';
import { describe, expect, it } from 'vitest';
import { detachState, RecurrentLM, type RecurrentState } from '../src/index.js';
import { expectClose } from './helpers.js';

const tight = { rtol: 1e-12, atol: 1e-12 };

describe.each(['lstm', 'gru'] as const)('truncated BPTT with %s', (cell) => {
  const make = (): RecurrentLM =>
    new RecurrentLM({ vocabSize: 7, embeddingDim: 4, hiddenSize: 5, numLayers: 2, cell }, { generator: new Generator(0), dtype: 'float64' });
  const stream = randint(0, 7, [3, 13], { generator: new Generator(1) });
  const inputs = narrow(stream, 1, 0, 12);
  const targets = narrow(stream, 1, 1, 12);

  it('carrying the detached state chunk to chunk gives the logits and final state of one pass over the stream', () => {
    const model = make();
    const whole = model.forward(inputs);
    let state: RecurrentState | null = null;
    const chunks: Tensor[] = [];
    for (let start = 0; start < 12; start += 4) {
      const r = model.forward(narrow(inputs, 1, start, 4), state);
      chunks.push(r.logits);
      state = detachState(r.state);
    }
    chunks.forEach((logits, i) => expectClose(logits, narrow(whole.logits, 1, 4 * i, 4), tight, `chunk ${i}`));
    expectClose(state!.h, whole.state.h, tight, 'h');
    if (cell === 'lstm') expectClose(state!.c!, whole.state.c!, tight, 'c');
  });

  it('gradients stop at the chunk boundary: each chunk backpropagates alone, as if its initial state were a constant', () => {
    const model = make();
    const first = model.lossWithState(narrow(inputs, 1, 0, 6), narrow(targets, 1, 0, 6));
    first.loss.backward();
    const carried = detachState(first.state);
    expect(carried.h.requiresGrad).toBe(false);
    model.zeroGrad();
    const second = model.lossWithState(narrow(inputs, 1, 6, 6), narrow(targets, 1, 6, 6), carried);
    second.loss.backward();
    const truncated = model.parameters().map((p) => p.grad as Tensor);
    // The same chunk started from a fresh copy of the state values gives the same gradients.
    const reference = make();
    const fresh: RecurrentState = { h: carried.h.detach(), ...(carried.c ? { c: carried.c.detach() } : {}) };
    reference.lossWithState(narrow(inputs, 1, 6, 6), narrow(targets, 1, 6, 6), fresh).loss.backward();
    reference.parameters().forEach((p, i) => expectClose(truncated[i], p.grad as Tensor, tight, `parameter ${i}`));
  });

  it('without detaching, the second backward would run into the first chunk’s freed graph', () => {
    const model = make();
    const first = model.lossWithState(narrow(inputs, 1, 0, 6), narrow(targets, 1, 0, 6));
    first.loss.backward();
    const second = model.lossWithState(narrow(inputs, 1, 6, 6), narrow(targets, 1, 6, 6), first.state);
    expect(() => second.loss.backward()).toThrow(/second time/);
  });
});
