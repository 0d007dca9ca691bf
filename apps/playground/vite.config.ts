// Vite configuration of the playground: Svelte, ES-module workers, and the COOP/COEP headers that give wasm its threads.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// Cross-origin isolation (SharedArrayBuffer, so shared wasm memory and worker threads). A host that cannot send
// these still serves a working app: kernels-wasm then runs on one thread, and the backend badge says so.
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  // Relative asset paths: the built site works from any folder of any static host (routes live in the hash).
  base: './',
  plugins: [svelte()],
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es' },
  build: { target: 'es2022', reportCompressedSize: false, chunkSizeWarningLimit: 2_000 },
});
