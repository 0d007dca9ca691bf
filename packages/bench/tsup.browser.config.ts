import { defineConfig } from 'tsup';

// The `bench:browser` runner: a workspace tool, built outside dist/ so that the published package does not carry it
// (it drives Chromium through playwright-core and bundles the page from src/ with esbuild, both dev dependencies).
// @seqlab/test-utils (private, TypeScript sources) is bundled in; the tools it loads stay imports.
export default defineConfig({
  entry: ['src/browser-cli.ts'],
  format: ['esm'],
  outDir: 'node_modules/.cache/bench-browser',
  target: 'es2022',
  clean: true,
  dts: false,
  sourcemap: false,
  noExternal: ['@seqlab/test-utils'],
  external: ['playwright-core', 'esbuild', '@sparticuz/chromium', 'vite'],
});
