// Vite configuration of the playground: Svelte, ES-module workers, and the COOP/COEP headers that give wasm its threads.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// Cross-origin isolation (SharedArrayBuffer, so shared wasm memory and worker threads). A host that cannot send
// these still serves a working app: kernels-wasm then runs on one thread, and the backend badge says so.
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  // Relative asset paths: the built site works from any folder of any static host (routes live in the hash).
  base: './',
  plugins: [
    svelte(),
    // Works offline (pg-attn): a Workbox service worker precaches every built file, the shipped checkpoints included,
    // and serves them (with the headers they were fetched with) when the network is gone. Registered by an injected script.
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: 'script-defer',
      manifest: false,
      workbox: {
        globPatterns: ['**/*.{html,js,css,wasm,json,safetensors,svg,png,woff,woff2,ttf}'],
        maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  server: { headers: isolation },
  // The dev server pre-bundles the workspace packages like any installed dependency: @seqlab/datasets ships its corpus
  // as a CommonJS data file, which only a bundler turns into ES-module exports (`vite build` does so as well). Pre-bundled
  // together, the packages share one copy of tensor-core; `force` re-bundles at each start, since the packages'
  // dist folders change without a lockfile change. kernels-gpu (imported lazily by the workers) is listed too: gpu.js is
  // CommonJS, which the dev server serves only pre-bundled.
  optimizeDeps: {
    include: [
      '@seqlab/tensor-core',
      '@seqlab/kernels-wasm',
      '@seqlab/kernels-gpu',
      '@seqlab/autograd',
      '@seqlab/attention',
      '@seqlab/recurrent',
      '@seqlab/datasets',
    ],
    force: true,
  },
  preview: { headers: isolation },
  // Keep class names through minification: seqlab's optimizer state dicts record their class by name
  // (`constructor.name`), so a minified AdamW would write and expect a mangled type in checkpoints.
  worker: { format: 'es', rolldownOptions: { output: { keepNames: true } } },
  build: { target: 'es2022', reportCompressedSize: false, chunkSizeWarningLimit: 2_000, rolldownOptions: { output: { keepNames: true } } },
});
