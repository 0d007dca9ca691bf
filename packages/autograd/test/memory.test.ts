// 10,000 small training steps must leave the CPU backend's live-storage counter flat: the tape, gradients and
// optimizer temporaries are all collectable.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Generator, memory, tanh, tensor, type Tensor } from '@seqlab/tensor-core';
import { Adam, binaryCrossEntropyWithLogits, Linear, Module } from '@seqlab/autograd';

function gcFunction(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  // Not started with --expose-gc: switch the flag on at run time and fetch gc from a fresh context.
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function liveStorages(gc: () => void): Promise<number> {
  // FinalizationRegistry callbacks run on later macrotasks, so collect and yield a few times.
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return memory('cpu').storages;
}

class Tiny extends Module {
  readonly hidden: Linear;
  readonly out: Linear;
  constructor() {
    super();
    const generator = new Generator(1);
    this.hidden = new Linear(2, 4, { generator });
    this.out = new Linear(4, 1, { generator });
  }
  forward(x: Tensor): Tensor {
    return this.out.forward(tanh(this.hidden.forward(x)));
  }
}

describe('memory', () => {
  it('stays flat over 10,000 training steps', async () => {
    const gc = gcFunction();
    const x = tensor([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    const y = tensor([[0], [1], [1], [0]]);
    const model = new Tiny();
    const optimizer = new Adam(model.parameters(), { lr: 0.01 });
    const step = (): number => {
      optimizer.zeroGrad();
      const loss = binaryCrossEntropyWithLogits(model.forward(x), y);
      loss.backward();
      optimizer.step();
      return loss.item();
    };
    for (let i = 0; i < 100; i++) step();
    const baseline = await liveStorages(gc);
    const samples: number[] = [];
    let loss = Infinity;
    for (let i = 1; i <= 10_000; i++) {
      loss = step();
      if (i % 2500 === 0) samples.push((await liveStorages(gc)) - baseline);
    }
    // Training really happened, and no sample grew beyond a handful of not-yet-finalised storages.
    expect(loss).toBeLessThan(0.1);
    for (const growth of samples) expect(growth).toBeLessThan(50);
  });
});
