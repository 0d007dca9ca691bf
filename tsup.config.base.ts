// The one tsup configuration every library package builds with: ESM + CJS + .d.ts from src/index.ts.
import { readFileSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

/** A package's tsup config; `overrides` is merged over the shared settings. */
export function packageConfig(overrides: Options = {}): ReturnType<typeof defineConfig> {
  // tsup runs in the package's folder. The version and the module's own file let a loaded copy of a package tell
  // itself from another copy (see tensor-core's sharedState); a CommonJS build names its file by path.
  const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  return defineConfig({
    define: { __SEQLAB_VERSION__: JSON.stringify(version) },
    esbuildOptions(options, { format }) {
      if (format === 'cjs') options.define = { ...options.define, 'import.meta.url': '__filename' };
    },
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
