// Activation functions as parameter-free modules, for use inside Sequential (nn.Tanh, nn.ReLU, nn.Sigmoid, nn.GELU).
import { gelu, relu, sigmoid, tanh, type Tensor } from '@seqlab/tensor-core';
import { Module } from './module.js';

/**
 * `tanh(x)` as a module.
 *
 * @example
 * ```ts
 * const y = new Tanh().forward(tensor([-1, 0, 1]));
 * console.assert(Math.abs(y.dataSync()[2] - Math.tanh(1)) < 1e-6);
 * ```
 */
export class Tanh extends Module {
  /** Applies tanh. */
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/**
 * `max(x, 0)` as a module.
 *
 * @example
 * ```ts
 * const y = new ReLU().forward(tensor([-2, 0, 3]));
 * console.assert(Array.from(y.dataSync()).join() === '0,0,3');
 * ```
 */
export class ReLU extends Module {
  /** Applies relu. */
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/**
 * The logistic sigmoid as a module.
 *
 * @example
 * ```ts
 * const y = new Sigmoid().forward(tensor([0, 100]));
 * console.assert(y.dataSync()[0] === 0.5 && y.dataSync()[1] === 1);
 * ```
 */
export class Sigmoid extends Module {
  /** Applies sigmoid. */
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/**
 * GELU as a module (`approximate: 'tanh'` for the tanh form).
 *
 * @example
 * ```ts
 * const act = new GELU({ approximate: 'tanh' });
 * const y = act.forward(tensor([-3, 0, 3])); // ≈ [-0.004, 0, 2.996]
 * console.assert(y.dataSync()[1] === 0 && Math.abs(y.dataSync()[2] - 2.996) < 1e-3);
 * ```
 */
export class GELU extends Module {
  /** `none` (exact erf form) or `tanh`. */
  readonly approximate: 'none' | 'tanh';

  constructor(options: { approximate?: 'none' | 'tanh' } = {}) {
    super();
    this.approximate = options.approximate ?? 'none';
  }

  /** Applies GELU. */
  forward(x: Tensor): Tensor {
    return gelu(x, { approximate: this.approximate });
  }
}
