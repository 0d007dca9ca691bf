import { add, setBackend, tanh, tensor } from '@seqlab/tensor-core';
import { backendInfo, initGpu } from '@seqlab/kernels-gpu';

// Importing the package registers `gpu`; it never becomes the default by itself.
await initGpu(); // webgl2 in a browser or Worker; headless-gl or gpu.js's webasm mode in Node
setBackend('gpu');

const x = tensor([
  [1, 2, 3],
  [4, 5, 6],
]);
const y = tanh(add(x, tensor([-1, -2, -3]))); // broadcasting; the result stays in a texture
const values = await y.data(); // reading brings it back to the host
console.log(values, backendInfo().mode, backendInfo().renderer);

y.dispose(); // frees the texture now; the GC safety net frees forgotten ones later
setBackend('cpu');

export { values };
