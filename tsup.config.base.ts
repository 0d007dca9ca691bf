// The one tsup configuration every library package builds with: ESM + CJS + .d.ts from src/index.ts.
import { defineConfig, type Options } from 'tsup';

/** A package's tsup config; `overrides` is merged over the shared settings. */
export function packageConfig(overrides: Options = {}): ReturnType<typeof defineConfig> {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    ...overrides,
  });
}
