// Two copies of tensor-core in one process, for real: an npm-style nested install with another version, and the CJS and
// ESM builds loaded side by side. Runs the built dist (`pnpm build` first) in child processes.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { workspacePackage } from '@seqlab/test-utils/workspace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const coreDir = workspacePackage('@seqlab/tensor-core').dir;
const autogradDir = workspacePackage('@seqlab/autograd').dir;
const wasmDir = workspacePackage('@seqlab/kernels-wasm').dir;
const attentionDir = workspacePackage('@seqlab/attention').dir;
const script = join(import.meta.dirname, 'fixtures/two-copies/train-step.mjs');
const coreVersion = (JSON.parse(readFileSync(join(coreDir, 'package.json'), 'utf8')) as { version: string }).version;

interface Copy {
  version: string;
  origin: string;
}

interface StepResult {
  coreCopies: Copy[];
  autogradCopies: Copy[];
  wasmCopies: Copy[];
  backend: string;
  weightBackend: string;
  sameWasmBackend?: boolean;
  attentionSettings?: { fused: boolean; budget: number };
  sameTensorClass: boolean;
  requiresGrad_: string;
  parameters: number;
  noGradRecords: boolean;
  lossBefore: number;
  lossAfter: number;
  grad: number[];
  weight: number[];
  error?: { name: string; code: string; message: string; packageName: string; loaded: Copy; loading: Copy };
}

/** Runs train-step.mjs from `cwd` and returns its JSON line. */
function runStep(cwd: string, ...args: string[]): StepResult {
  const stdout = execFileSync(process.execPath, [join(cwd, 'train-step.mjs'), ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').pop() as string) as StepResult;
}

/** Copies a built package (package.json and the two bundles) to `to`; a `version` replaces the one built in. */
function copyPackage(from: string, to: string, version?: string): void {
  mkdirSync(join(to, 'dist'), { recursive: true });
  const pkg = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8')) as { version: string };
  writeFileSync(join(to, 'package.json'), JSON.stringify({ ...pkg, version: version ?? pkg.version }));
  for (const file of ['index.js', 'index.cjs']) {
    const built = join(from, 'dist', file);
    if (!existsSync(built)) throw new Error(`two-copies.test: ${built} is missing; run \`pnpm build\` first`);
    let code = readFileSync(built, 'utf8');
    if (version !== undefined) {
      // The build bakes the version in (tsup's define of __SEQLAB_VERSION__); another release would carry its own.
      const baked = `true ? ${JSON.stringify(pkg.version)} : "source"`;
      expect(code.split(baked).length - 1, `${built} should hold the baked version once`).toBe(1);
      code = code.replace(baked, JSON.stringify(version));
    }
    writeFileSync(join(to, 'dist', file), code);
  }
}

/**
 * An application folder as npm lays it out: tensor-core and autograd at the top and, when `nestedVersion` is given,
 * a second tensor-core of that version under autograd (what an exact or non-overlapping pin installs).
 */
function application(root: string, nestedVersion?: string): string {
  const modules = join(root, 'node_modules');
  copyPackage(coreDir, join(modules, '@seqlab/tensor-core'));
  copyPackage(autogradDir, join(modules, '@seqlab/autograd'));
  if (nestedVersion !== undefined) copyPackage(coreDir, join(modules, '@seqlab/autograd/node_modules/@seqlab/tensor-core'), nestedVersion);
  symlinkSync(realpathSync(join(coreDir, 'node_modules/pure-rand')), join(modules, 'pure-rand'), 'dir');
  copyFileSync(script, join(root, 'train-step.mjs'));
  return root;
}

const distUrl = (root: string, ...parts: string[]): string => pathToFileURL(join(root, 'node_modules/@seqlab', ...parts, 'dist/index.js')).href;

let tmp: string;
let single: StepResult;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'seqlab-two-copies-'));
  single = runStep(application(join(tmp, 'single')), 'bare-core-first');
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('one copy of tensor-core (the reference)', () => {
  it('trains one step: the loss falls and one copy is loaded', () => {
    expect(single.error).toBeUndefined();
    expect(single.coreCopies).toEqual([{ version: coreVersion, origin: distUrl(join(tmp, 'single'), 'tensor-core') }]);
    expect(single.lossAfter).toBeLessThan(single.lossBefore);
    expect(single.grad.some((g) => g !== 0)).toBe(true);
  });
});

describe('npm-style nested skew: a second tensor-core under autograd', () => {
  const [major, minor, patch] = coreVersion.split('.').map(Number);
  const compatible = `${major}.${minor}.${patch + 1}`;
  const incompatible = major === 0 ? `0.${minor + 1}.0` : `${major + 1}.0.0`;

  it.each(['bare-core-first', 'bare-autograd-first'])(`a compatible version (${compatible}) shares one state: %s gives one copy's numbers`, (mode) => {
    const root = application(join(tmp, `${mode}-compatible`), compatible);
    const result = runStep(root, mode);
    expect(result.error).toBeUndefined();
    const top = { version: coreVersion, origin: distUrl(root, 'tensor-core') };
    const nested = { version: compatible, origin: distUrl(root, 'autograd/node_modules/@seqlab/tensor-core') };
    expect(result.coreCopies).toEqual(mode === 'bare-core-first' ? [top, nested] : [nested, top]);
    // Tensors of the top copy carry autograd's methods and pass the nested copy's checks in Linear.forward.
    expect(result.requiresGrad_).toBe('function');
    expect(result.noGradRecords).toBe(false);
    expect({ loss: [result.lossBefore, result.lossAfter], grad: result.grad, weight: result.weight }).toEqual({
      loss: [single.lossBefore, single.lossAfter],
      grad: single.grad,
      weight: single.weight,
    });
  });

  it(`an incompatible version (${incompatible}) fails at load with IncompatibleCopyError naming both versions and files`, () => {
    const root = application(join(tmp, 'incompatible'), incompatible);
    const { error } = runStep(root, 'bare-core-first');
    const loaded = { version: coreVersion, origin: distUrl(root, 'tensor-core') };
    const loading = { version: incompatible, origin: distUrl(root, 'autograd/node_modules/@seqlab/tensor-core') };
    expect(error).toMatchObject({ name: 'IncompatibleCopyError', code: 'INCOMPATIBLE_COPY', packageName: '@seqlab/tensor-core', loaded, loading });
    for (const part of [loaded.version, loaded.origin, loading.version, loading.origin]) expect(error?.message).toContain(part);
  });
});

describe('the CJS and ESM builds of tensor-core and autograd in one process', () => {
  it('share one state: layers, tensors and functions of both builds mix and train one step as one copy does', () => {
    const result = runStep(dirname(script), 'cjs-esm', coreDir, autogradDir);
    expect(result.error).toBeUndefined();
    const origins = (dir: string): string[] => [join(dir, 'dist/index.cjs'), pathToFileURL(join(dir, 'dist/index.js')).href];
    expect(result.coreCopies.map((c) => c.origin)).toEqual(origins(coreDir));
    expect(result.autogradCopies.map((c) => c.origin)).toEqual(origins(autogradDir));
    expect(result.sameTensorClass).toBe(true);
    // A CJS Linear registers in an ESM Sequential; noGrad of the CJS autograd stops the ESM one recording.
    expect(result.parameters).toBe(2);
    expect(result.noGradRecords).toBe(false);
    expect(result.requiresGrad_).toBe('function');
    expect({ loss: [result.lossBefore, result.lossAfter], grad: result.grad, weight: result.weight }).toEqual({
      loss: [single.lossBefore, single.lossAfter],
      grad: single.grad,
      weight: single.weight,
    });
  });

  it('with kernels-wasm and attention loaded both ways too: one wasm backend, one set of attention settings', () => {
    const result = runStep(dirname(script), 'cjs-esm', coreDir, autogradDir, wasmDir, attentionDir);
    expect(result.error).toBeUndefined();
    expect(result.wasmCopies.map((c) => c.origin)).toEqual([join(wasmDir, 'dist/index.cjs'), pathToFileURL(join(wasmDir, 'dist/index.js')).href]);
    expect(result.sameWasmBackend).toBe(true);
    expect(result.attentionSettings).toEqual({ fused: false, budget: 1024 });
    expect([result.backend, result.weightBackend]).toEqual(['wasm', 'wasm']);
    expect(result.parameters).toBe(2);
    expect(result.lossAfter).toBeCloseTo(single.lossAfter, 5);
    result.weight.forEach((w, i) => expect(w).toBeCloseTo(single.weight[i], 5));
  });
});
