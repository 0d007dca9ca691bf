import { Adam } from '@seqlab/autograd';
import { initGpu } from '@seqlab/kernels-gpu';
import { RecurrentLM } from '@seqlab/recurrent';
import { Generator, setBackend, tensor } from '@seqlab/tensor-core';

await initGpu();
setBackend('gpu');
const model = new RecurrentLM({ vocabSize: 10, embeddingDim: 8, hiddenSize: 16 }, { generator: new Generator(3) });
const optimizer = new Adam(model.parameters(), { lr: 1e-2 });
const inputs = tensor([[1, 2, 3, 4]], undefined, 'int32');
const targets = tensor([[2, 3, 4, 5]], undefined, 'int32');
const losses: number[] = [];
for (let step = 0; step < 5; step++) {
  optimizer.zeroGrad();
  const loss = model.loss(inputs, targets); // no dispose(): the GC safety net frees each step's textures
  loss.backward();
  optimizer.step();
  losses.push(loss.item());
}
console.log(losses); // falling
setBackend('cpu');

export { losses };
