// The two kernel builds (plain SIMD, and relaxed-SIMD fused multiply-add), which of them this host runs, and the choice between them.
import { InvalidArgumentError } from '@seqlab/tensor-core';
import { hasRelaxedSimd, hasWasmSimd } from './features.js';

/**
 * A build of the kernels: `plain` uses WebAssembly SIMD (mul then add), `fma` adds relaxed SIMD's fused
 * multiply-add (`f32x4.relaxed_madd`) in every multiply-add loop. Both compile from the same sources.
 */
export type WasmBuild = 'plain' | 'fma';

/** A build, or `auto`: the fastest build this host runs (`fma` where relaxed SIMD validates, else `plain`). */
export type WasmBuildChoice = WasmBuild | 'auto';

/** Environment variable (Node) that picks the build at start-up: `plain`, `fma` or `auto`. */
export const BUILD_ENV = 'SEQLAB_WASM_BUILD';

const CHOICES: readonly WasmBuildChoice[] = ['plain', 'fma', 'auto'];

/** The builds this host can run, fastest last: none without SIMD, `plain`, and `fma` where relaxed SIMD validates. */
export function availableBuilds(): WasmBuild[] {
  if (!hasWasmSimd()) return [];
  return hasRelaxedSimd() ? ['plain', 'fma'] : ['plain'];
}

/** The value of {@link BUILD_ENV} (undefined when unset or empty, and outside Node). */
export function envChoice(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.[BUILD_ENV]?.trim();
  return value === '' ? undefined : value;
}

/**
 * The build that `choice` names here: `auto` is the fastest available. Throws an InvalidArgumentError naming
 * `source` (the function or variable the choice came from) for a value that is not a choice, or for `fma` where
 * relaxed SIMD is missing, rather than running the other build in silence.
 */
export function resolveBuild(choice: unknown, source: string): WasmBuild {
  if (typeof choice !== 'string' || !(CHOICES as readonly string[]).includes(choice)) {
    throw new InvalidArgumentError(`${source} must be one of ${CHOICES.map((c) => `'${c}'`).join(', ')}; received ${JSON.stringify(choice) ?? String(choice)}`);
  }
  const available = availableBuilds();
  if (choice === 'auto') return available[available.length - 1] ?? 'plain';
  if (!available.includes(choice as WasmBuild)) {
    throw new InvalidArgumentError(
      `${source}: the '${choice}' build needs WebAssembly ${choice === 'fma' ? 'relaxed SIMD' : 'SIMD'}, which this host lacks ` +
        `(available: ${available.length > 0 ? available.join(', ') : 'none'}; Node 20 enables relaxed SIMD with --experimental-wasm-relaxed-simd)`,
    );
  }
  return choice as WasmBuild;
}
