import { packageConfig } from '../../tsup.config.base';

// ESM only: vega and vega-lite ship as ES modules and the environment capture reads import.meta.url.
// TensorFlow.js, onnxruntime-node and @seqlab/kernels-gpu are optional for the side-by-side rows: loaded at run time when present, never bundled.
// kernels-cli is the `bench:kernels` script, built beside the entry.
export default packageConfig({
  entry: ['src/index.ts', 'src/kernels-cli.ts'],
  format: ['esm'],
  external: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'onnxruntime-node', '@seqlab/kernels-gpu'],
});
