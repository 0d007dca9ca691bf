// Sequential: a chain of single-input modules whose children are named 0, 1, 2, ... as in PyTorch.
import { InvalidArgumentError, type Tensor } from '@seqlab/tensor-core';
import { Module } from './module.js';

/** A module whose `forward` takes one tensor and returns one. */
export interface TensorModule extends Module {
  /** Maps one tensor to one tensor. */
  forward(x: Tensor): Tensor;
}

/**
 * Runs modules one after another, as `torch.nn.Sequential`; state dict names are `0.weight`, `1.bias`, ...
 *
 * @example
 * ```ts
 * const mlp = new Sequential(new Linear(2, 8), new Tanh(), new Linear(8, 1));
 * Object.keys(mlp.stateDict()); // ['0.weight', '0.bias', '2.weight', '2.bias']
 * ```
 */
export class Sequential extends Module {
  /** Number of layers. */
  readonly length: number;

  constructor(...layers: TensorModule[]) {
    super();
    layers.forEach((layer, i) => {
      if (!(layer instanceof Module)) throw new InvalidArgumentError(`Sequential: argument ${i} must be a Module; received ${typeof layer}`);
      // Integer keys keep ascending order among an object's own keys, which is the layer order.
      Object.defineProperty(this, String(i), { value: layer, enumerable: true, writable: false });
    });
    this.length = layers.length;
  }

  /** The layer at `index`. */
  at(index: number): TensorModule {
    const layer = (this as unknown as Record<string, TensorModule | undefined>)[String(index)];
    if (layer === undefined) throw new InvalidArgumentError(`Sequential.at: argument 'index' must be in [0, ${this.length - 1}]; received ${index}`);
    return layer;
  }

  /** Applies every layer in order. */
  forward(x: Tensor): Tensor {
    let y = x;
    for (let i = 0; i < this.length; i++) y = this.at(i).forward(y);
    return y;
  }
}
