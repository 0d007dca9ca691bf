import * as ort from 'onnxruntime-node';
import { noGrad } from '@seqlab/autograd';
import { RecurrentLM } from '@seqlab/recurrent';
import { Generator, tensor } from '@seqlab/tensor-core';
import { exportOnnx, readOnnxSummary } from '@seqlab/onnx';

// A (here untrained) character LSTM language model, exported with h0/c0 inputs and hn/cn outputs.
const model = new RecurrentLM({ vocabSize: 65, embeddingDim: 32, hiddenSize: 64, numLayers: 2 }, { generator: new Generator(0) });
model.eval();
const bytes = exportOnnx(model, { state: true }); // Uint8Array: write it to a .onnx file, or hand it to a runtime
export const summary = readOnnxSummary(bytes); // inputs ids, h0, c0; outputs logits, hn, cn; opset 17

// Run it in onnxruntime: a batch of 2 sequences of 5 tokens from zero states.
const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all' });
const ids = Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
const zeros = (): ort.Tensor => new ort.Tensor('float32', new Float32Array(2 * 2 * 64), [2, 2, 64]);
const result = await session.run({ ids: new ort.Tensor('int32', ids, [2, 5]), h0: zeros(), c0: zeros() });
export const onnxLogits = result.logits.data as Float32Array; // [2, 5, 65]

// The same numbers from seqlab (float32 rounding apart).
export const seqlabLogits = noGrad(() => model.forward(tensor(ids, [2, 5], { dtype: 'int32' })).logits.dataSync());
export const largestDifference = onnxLogits.reduce((m, v, i) => Math.max(m, Math.abs(v - seqlabLogits[i])), 0);
