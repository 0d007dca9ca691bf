// Activation functions as parameter-free modules, for use inside Sequential (nn.Tanh, nn.ReLU, nn.Sigmoid, nn.GELU).
import { gelu, relu, sigmoid, tanh, type Tensor } from '@seqlab/tensor-core';
import { Module } from './module.js';

/** `tanh(x)` as a module. */
export class Tanh extends Module {
  /** Applies tanh. */
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/** `max(x, 0)` as a module. */
export class ReLU extends Module {
  /** Applies relu. */
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/** The logistic sigmoid as a module. */
export class Sigmoid extends Module {
  /** Applies sigmoid. */
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/** GELU as a module (`approximate: 'tanh'` for the tanh form). */
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
