// Shared test helpers for the PyTorch golden fixtures (shared/goldens): their JSON types, loading and conversion to tensors.
// No import names node:fs, so suites that convert goldens (the parity suites) also load in browsers.
import { requireNodeBuiltin, tensor, type Tensor } from '@seqlab/tensor-core';

/** A golden tensor as stored in the fixtures: `{ shape, data, dtype? }`. */
export interface GoldenTensor {
  shape: number[];
  data: number[];
  dtype?: string;
}

/** One case of a golden file; `C` types its config and `P` its parameters (some files name a shared parameter set). */
export interface GoldenCase<C = Record<string, unknown>, P = Record<string, GoldenTensor>> {
  config: C;
  inputs: Record<string, GoldenTensor>;
  params: P;
  outputs: Record<string, GoldenTensor>;
  grads: Record<string, GoldenTensor>;
  grads_full?: Record<string, GoldenTensor>;
  loss_weight_G?: GoldenTensor;
  loss_weights?: Record<string, GoldenTensor>;
}

/** A loader for the JSON fixtures in `dir` (a package's copy of shared/goldens, as a `file:` URL ending in `/`). */
export function fixtureLoader<D = { cases: Record<string, GoldenCase> }>(dir: URL): <T = D>(name: string) => T {
  // Reached at call time, so that importing these helpers in a browser (vitest browser mode) needs no Node built-in.
  return <T = D>(name: string): T => {
    const fs = requireNodeBuiltin<typeof import('node:fs')>('node:fs', 'fixtureLoader (import the JSON instead)');
    return JSON.parse(fs.readFileSync(new URL(name, dir), 'utf8')) as T;
  };
}

/** A seqlab tensor from a golden tensor (int64 becomes int32, bool stays bool, floats become `dtype`), on `backend` (default the active one). */
export function fromGolden(g: GoldenTensor, dtype: 'float32' | 'float64' = 'float32', backend?: string): Tensor {
  if (g.dtype === 'int64') return tensor(g.data, g.shape, { dtype: 'int32', backend });
  if (g.dtype === 'bool')
    return tensor(
      g.data.map((v) => Boolean(v)),
      g.shape,
      { dtype: 'bool', backend },
    );
  return tensor(g.data, g.shape, { dtype, backend });
}

/** Every golden tensor of a record, as tensors on `backend` (default the active one). */
export function fromGoldens(record: Record<string, GoldenTensor>, dtype: 'float32' | 'float64' = 'float32', backend?: string): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fromGolden(v, dtype, backend)]));
}
