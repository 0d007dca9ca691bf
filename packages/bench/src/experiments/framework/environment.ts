// The machine and software an experiment ran on: Node, CPU, cores, backend, package versions and git commit.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, availableParallelism, platform, arch, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What a result file records about where it was measured. */
export interface Environment {
  /** `process.version`, e.g. `v20.19.0`. */
  readonly node: string;
  /** CPU model string as the OS reports it. */
  readonly cpuModel: string;
  /** Logical cores available to the process. */
  readonly cores: number;
  /** `linux-x64` and the like. */
  readonly platform: string;
  /** Total system memory in bytes. */
  readonly totalMemoryBytes: number;
  /** The seqlab backend the experiment ran on. */
  readonly backend: string;
  /** Versions of the seqlab packages and the libraries the experiment used (null when not installed). */
  readonly packages: Record<string, string | null>;
  /** `git rev-parse HEAD` of the working tree, or null outside a git checkout. */
  readonly gitCommit: string | null;
  /** Whether the working tree had uncommitted changes (null outside git). */
  readonly gitDirty: boolean | null;
  /** ISO time the run started. */
  readonly startedAt: string;
}

/** Packages whose versions every result records. */
const RECORDED_PACKAGES = [
  '@seqlab/tensor-core',
  '@seqlab/autograd',
  '@seqlab/datasets',
  '@seqlab/recurrent',
  '@seqlab/attention',
  '@seqlab/kernels-wasm',
  '@seqlab/bench',
  'vega',
  'vega-lite',
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-backend-wasm',
];

/** This module's folder; walking up from it finds the workspace's node_modules whether run from src or dist. */
function hereDir(): string {
  return dirname(fileURLToPath(import.meta.url));
}

/**
 * The version in `node_modules/<name>/package.json` of the nearest ancestor folder that has one.
 *
 * @example
 * ```ts
 * const version = packageVersion('vega-lite'); // null when it is not installed
 * console.assert(version === null || /^\d+\.\d+\.\d+/.test(version));
 * ```
 */
export function packageVersion(name: string, from = hereDir()): string | null {
  let dir = from;
  for (;;) {
    const own = join(dir, 'package.json');
    if (existsSync(own)) {
      const pkg = readJson(own);
      if (pkg?.name === name && typeof pkg.version === 'string') return pkg.version;
    }
    const candidate = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(candidate)) {
      const pkg = readJson(candidate);
      if (typeof pkg?.version === 'string') return pkg.version;
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function readJson(path: string): { name?: unknown; version?: unknown } | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    // An unreadable manifest just means the version is unknown; the run itself is unaffected.
    return null;
  }
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: hereDir(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // Not a checkout (an installed package) or no git binary: the commit is simply unknown.
    return null;
  }
}

/**
 * Captures the environment of a run on `backend`.
 *
 * @example
 * ```ts
 * const env = captureEnvironment('cpu');
 * console.assert(env.backend === 'cpu' && env.node === process.version && env.cores >= 1);
 * console.log(env.cpuModel, env.gitCommit, env.packages['@seqlab/tensor-core']);
 * ```
 */
export function captureEnvironment(backend: string): Environment {
  const cpuList = cpus();
  const packages: Record<string, string | null> = {};
  for (const name of RECORDED_PACKAGES) packages[name] = packageVersion(name);
  const commit = git(['rev-parse', 'HEAD']);
  const status = commit === null ? null : git(['status', '--porcelain', '--untracked-files=no']);
  return {
    node: process.version,
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    platform: `${platform()}-${arch()}`,
    totalMemoryBytes: totalmem(),
    backend,
    packages,
    gitCommit: commit,
    gitDirty: status === null ? null : status.length > 0,
    startedAt: new Date().toISOString(),
  };
}
