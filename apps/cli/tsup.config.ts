import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

// One ESM executable; dependencies stay external and resolve from node_modules at run time.
export default defineConfig({
  entry: ['src/bin.ts'],
  format: ['esm'],
  dts: false,
  sourcemap: false, // as in tsup.config.base.ts: readable output, no map to ship
  clean: true,
  target: 'es2022',
  platform: 'node',
  banner: { js: '#!/usr/bin/env node' },
  define: { __SEQLAB_CLI_VERSION__: JSON.stringify(version) },
});
