import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // TensorFlow.js is an optional peer for the side-by-side rows: loaded at run time when present, never bundled.
  external: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'],
});
