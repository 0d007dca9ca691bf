// tsup config of @seqlab/datasets: the shared build, with the embedded corpus in one data file that ESM and CJS share.
import { writeFileSync } from 'node:fs';
import type { Options } from 'tsup';
import { packageConfig } from '../../tsup.config.base';
import * as corpus from './src/corpora/tinyshakespeare.data';

/** The corpus module beside dist/index.js and dist/index.cjs. */
const DATA_FILE = 'tinyshakespeare.data.cjs';

// Both builds import the corpus from DATA_FILE instead of inlining it, so the tarball holds it once. It is CommonJS
// with plain `exports.NAME =` assignments: require() reads it, Node's ESM import finds the names statically, and
// every bundler (esbuild, Rollup/Vite, webpack) bundles it for browsers.
const corpusDataFile: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'corpus-data-file',
  setup(build) {
    build.onResolve({ filter: /\/tinyshakespeare\.data\.js$/ }, () => ({ path: `./${DATA_FILE}`, external: true }));
  },
};

function writeCorpusDataFile(): Promise<void> {
  const exports = Object.entries(corpus).map(([name, value]) => `exports.${name} = ${JSON.stringify(value, null, 1)};`);
  const header = "// tiny-shakespeare, gzip-compressed and base64-encoded: built from src/corpora/tinyshakespeare.data.ts.\n'use strict';";
  writeFileSync(`dist/${DATA_FILE}`, `${header}\n${exports.join('\n')}\n`);
  return Promise.resolve();
}

export default packageConfig({ esbuildPlugins: [corpusDataFile], onSuccess: writeCorpusDataFile });
