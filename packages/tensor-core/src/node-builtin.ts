// Node's built-in modules reached at run time, so that no package imports one at module load and browser bundles never see them.
import { UnsupportedRuntimeError } from './errors.js';

/**
 * Node's built-in module `name` (for example `'node:fs/promises'`) when running in Node ≥ 20.16, or `undefined` in
 * a browser, a Web Worker or any runtime without `process.getBuiltinModule`. No `import` statement names the module,
 * so bundlers (esbuild, Vite, webpack) have nothing to resolve and browser bundles stay free of Node built-ins.
 *
 * @example
 * ```ts
 * const fs = nodeBuiltin<typeof import('node:fs')>('node:fs');
 * if (fs) console.log(fs.existsSync('.'));
 * ```
 */
export function nodeBuiltin<T>(name: string): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.(name) as T | undefined;
}

/**
 * Like {@link nodeBuiltin}, but throws an `UnsupportedRuntimeError` naming `feature` when the runtime is not Node:
 * file helpers call it so that a browser user learns which bytes-based function to use instead.
 *
 * @example
 * ```ts
 * const fs = requireNodeBuiltin<typeof import('node:fs/promises')>('node:fs/promises', 'saveCheckpoint (use encodeCheckpoint for bytes)');
 * ```
 */
export function requireNodeBuiltin<T>(name: string, feature: string): T {
  const mod = nodeBuiltin<T>(name);
  if (mod === undefined) {
    throw new UnsupportedRuntimeError(`${feature} needs Node.js ≥ 20.16 ('${name}'); this runtime has no Node built-ins`);
  }
  return mod;
}
