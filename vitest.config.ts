import { readdirSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
// A relative import (not @seqlab/test-utils): the config is bundled, and test-utils' entry is TypeScript.
import { CHROMIUM_ARGS, findChromium } from './packages/test-utils/src/chromium.js';

// Tests import packages by name; resolve them to sources so tests never depend on stale builds. A subpath entry
// (`@seqlab/test-utils/suites`) resolves to the source file of that name.
const alias: { find: RegExp; replacement: string }[] = [];
for (const dir of readdirSync(resolve(import.meta.dirname, 'packages'))) {
  const entry = resolve(import.meta.dirname, 'packages', dir, 'src/index.ts');
  if (existsSync(entry)) alias.push({ find: new RegExp(`^@seqlab/${dir}$`), replacement: entry });
}
alias.push({ find: /^@seqlab\/([a-z-]+)\/([a-z-]+)$/, replacement: resolve(import.meta.dirname, 'packages/$1/src/$2.ts') });

// Browser tests (`*.browser.test.ts`) run in headless Chromium through vitest's browser mode; everything else in Node.
const BROWSER_TESTS = 'packages/*/test/**/*.browser.test.ts';

// The wasm kernels' FMA build (relaxed SIMD) runs the backend suites (`*.fma.test.ts`) and the kernel tests whose
// arithmetic it changes, in Node started with relaxed SIMD (behind a flag before Node 22) and the build forced.
const FMA_TESTS = 'packages/*/test/**/*.fma.test.ts';
const RELAXED_SIMD_FLAG = Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-wasm-relaxed-simd'] : [];
const FMA_KERNEL_TESTS = [
  'backend',
  'batch-of-one',
  'builds',
  'fused-attention',
  'fused-layer-norm',
  'fused-recurrent',
  'gelu-task',
  'matmul-stacked-rows',
  'vmath',
].map((name) => `packages/kernels-wasm/test/${name}.test.ts`);
// It also runs the PyTorch-parity tests of the layers whose kernels it changes (LSTM/GRU, attention, LayerNorm,
// cross-entropy, GELU's gradient).
const FMA_PARITY_TESTS = [
  'packages/recurrent/test/parity.test.ts',
  'packages/attention/test/{sdpa,multi-head-attention,transformer-layers}.test.ts',
  'packages/autograd/test/{fused-layer-norm,fused-cross-entropy,fused-gelu}.test.ts',
];

export default defineConfig(async () => {
  const { executablePath } = await findChromium();
  return {
    resolve: { alias },
    test: {
      testTimeout: 60_000,
      hookTimeout: 60_000,
      // One JSON report for both projects: CI's summary line reads .vitest-results.json.
      reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
      projects: [
        {
          extends: true,
          test: {
            name: 'node',
            include: ['packages/*/{src,test}/**/*.test.ts', 'apps/*/{src,test}/**/*.test.ts', 'test/**/*.test.ts', 'docs/test/**/*.test.ts'],
            exclude: ['**/node_modules/**', BROWSER_TESTS, FMA_TESTS],
            pool: 'forks',
            // Memory tests force a collection so the GC safety net frees CPU storage before counting.
            execArgv: ['--expose-gc'],
            // The plain wasm kernel build, also where Node has relaxed SIMD on (22+): `node-fma` runs the FMA build.
            env: { SEQLAB_WASM_BUILD: 'plain' },
          },
        },
        {
          extends: true,
          test: {
            name: 'node-fma',
            include: [FMA_TESTS, ...FMA_KERNEL_TESTS, ...FMA_PARITY_TESTS],
            pool: 'forks',
            execArgv: ['--expose-gc', ...RELAXED_SIMD_FLAG],
            env: { SEQLAB_WASM_BUILD: 'fma' },
          },
        },
        {
          extends: true,
          // Pre-bundled up front: a dependency discovered mid-run makes Vite reload the page and fail the test file.
          optimizeDeps: { include: ['fast-check'] },
          test: {
            name: 'browser',
            include: [BROWSER_TESTS],
            browser: {
              enabled: true,
              headless: true,
              // WebGL2 on SwiftShader (software GL): correctness, not speed. `gc()` for the tests of the GC safety net.
              provider: playwright({ launchOptions: { executablePath, args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc'] } }),
              instances: [{ browser: 'chromium' }],
            },
          },
        },
      ],
    },
  };
});
