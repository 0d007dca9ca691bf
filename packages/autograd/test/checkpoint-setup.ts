// A small two-layer net with AdamW and a warm-up schedule, shared by the checkpoint tests.
import { Generator, tanh, type Tensor } from '@seqlab/tensor-core';
import { AdamW, cosineWithWarmup, Linear, LRScheduler, Module } from '../src/index.js';

/** Linear(4, 8) → tanh → Linear(8, 2), weights drawn from `seed`. */
export class Net extends Module {
  readonly fc: Linear;
  readonly head: Linear;
  constructor(seed: number) {
    super();
    const generator = new Generator(seed);
    this.fc = new Linear(4, 8, { generator });
    this.head = new Linear(8, 2, { generator });
  }
  forward(x: Tensor): Tensor {
    return this.head.forward(tanh(this.fc.forward(x)));
  }
}

/** A fresh net, its AdamW (lr 0.01) and a cosine schedule with 2 warm-up steps over 6. */
export function setup(seed: number) {
  const model = new Net(seed);
  const optimizer = new AdamW(model.parameters(), { lr: 0.01 });
  const scheduler = new LRScheduler(optimizer, cosineWithWarmup({ warmupSteps: 2, totalSteps: 6 }));
  return { model, optimizer, scheduler };
}
