// The workspace's packages (packages/*), with their source and built entry points, for tests that bundle them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const WORKSPACE_ROOT: string = fileURLToPath(new URL('../../../', import.meta.url));

/** One package under `packages/`. */
export interface WorkspacePackage {
  /** The package name, e.g. `@seqlab/autograd`. */
  readonly name: string;
  /** Its folder. */
  readonly dir: string;
  /** `src/index.ts`: the public entry as source. */
  readonly source: string;
  /** `dist/index.js`: the built ESM entry that `exports` points bundlers at (present after `pnpm build`). */
  readonly dist: string;
  /** `"private": true` in its package.json (never published). */
  readonly private: boolean;
}

/**
 * Every package under `packages/` that has a `src/index.ts`, in folder order.
 *
 * @example
 * ```ts
 * const published = workspacePackages().filter((p) => !p.private).map((p) => p.name);
 * ```
 */
export function workspacePackages(): WorkspacePackage[] {
  const root = join(WORKSPACE_ROOT, 'packages');
  return readdirSync(root)
    .sort()
    .map((folder) => join(root, folder))
    .filter((dir) => existsSync(join(dir, 'src/index.ts')) && existsSync(join(dir, 'package.json')))
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; private?: boolean };
      return { name: manifest.name, dir, source: join(dir, 'src/index.ts'), dist: join(dir, 'dist/index.js'), private: manifest.private === true };
    });
}

/**
 * The package under `packages/` named `name`; throws when there is none, so a renamed package fails loudly.
 *
 * @example
 * ```ts
 * const paths = { '@seqlab/tensor-core': [workspacePackage('@seqlab/tensor-core').source] };
 * ```
 */
export function workspacePackage(name: string): WorkspacePackage {
  const found = workspacePackages().find((p) => p.name === name);
  if (found === undefined) throw new Error(`workspacePackage: no package named '${name}' under ${join(WORKSPACE_ROOT, 'packages')}`);
  return found;
}
