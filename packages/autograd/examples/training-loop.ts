import { Generator, tanh, tensor, type Tensor } from '@seqlab/tensor-core';
import { Adam, binaryCrossEntropyWithLogits, clipGradNorm, cosineWithWarmup, Linear, LRScheduler, Module, noGrad } from '@seqlab/autograd';

// A two-layer perceptron; parameters are registered by assigning them to fields.
class MLP extends Module {
  readonly hidden: Linear;
  readonly out: Linear;
  constructor(generator: Generator) {
    super();
    this.hidden = new Linear(2, 8, { generator });
    this.out = new Linear(8, 1, { generator });
  }
  forward(x: Tensor): Tensor {
    return this.out.forward(tanh(this.hidden.forward(x)));
  }
}

// XOR: four points, one logit each.
const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
const y = tensor([[0], [1], [1], [0]]);

const model = new MLP(new Generator(42));
const optimizer = new Adam(model.parameters(), { lr: 0.05 });
const scheduler = new LRScheduler(optimizer, cosineWithWarmup({ warmupSteps: 20, totalSteps: 500 }));

let finalLoss = Infinity;
for (let step = 1; step <= 500; step++) {
  optimizer.zeroGrad();
  const loss = binaryCrossEntropyWithLogits(model.forward(x), y);
  loss.backward();
  clipGradNorm(model.parameters(), 1.0);
  optimizer.step();
  scheduler.step();
  finalLoss = loss.item();
  if (step % 100 === 0) console.log(`step ${step}: loss ${finalLoss.toFixed(4)}`);
}

const logits = noGrad(() => model.forward(x));
const predictions = Array.from(logits.dataSync(), (logit) => (logit > 0 ? 1 : 0));
console.log('XOR predictions:', predictions); // [0, 1, 1, 0]

// Exported so that the test running this example can check it.
export { finalLoss, predictions };
