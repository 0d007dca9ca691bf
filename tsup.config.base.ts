// The one tsup configuration every library package builds with: ESM + CJS + .d.ts from src/index.ts.
import { defineConfig, type Options } from 'tsup';

/** A package's tsup config; `overrides` is merged over the shared settings. */
export function packageConfig(overrides: Options = {}): ReturnType<typeof defineConfig> {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    // No sourcemaps: the output is not minified, so stack traces already point at readable code, and a map either
    // doubles the tarball (with sourcesContent) or points at src/ files the tarball does not hold (without it).
    sourcemap: false,
    clean: true,
    target: 'es2022',
    ...overrides,
  });
}
