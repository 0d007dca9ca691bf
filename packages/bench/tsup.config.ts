import { packageConfig } from '../../tsup.config.base';

// TensorFlow.js is an optional peer for the side-by-side rows: loaded at run time when present, never bundled.
export default packageConfig({ external: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'] });
