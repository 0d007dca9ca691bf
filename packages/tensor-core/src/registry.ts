// Backend registry, the active backend, and per-backend live-storage accounting.
import type { Backend, DataHandle } from './backend.js';
import { InvalidArgumentError } from './errors.js';
import { coreState } from './shared-state.js';

/** Live storage of one backend, counted as tensors' storages are created and freed. */
export interface MemoryInfo {
  /** Storages alive now. */
  storages: number;
  /** Bytes held by those storages. */
  bytes: number;
  /** Highest `bytes` since registration or the last {@link resetPeakMemory}. */
  peakBytes: number;
}

interface Entry {
  backend: Backend;
  memory: MemoryInfo;
}

// Shared by every loaded copy of tensor-core, so that a backend registered through one is seen by all.
const registry = coreState.claim('registry', { entries: new Map<string, Entry>(), active: undefined as Entry | undefined });
const entries = registry.entries;

/**
 * Registers `backend` under its name; a later registration of the same name replaces it.
 *
 * @example
 * ```ts
 * const cpu = cpuBackend;
 * registerBackend({ ...cpu, name: 'cpu-mirror' }); // another name for the CPU kernels
 * console.assert(listBackends().includes('cpu-mirror') && getBackend().name !== 'cpu-mirror'); // active only with { setActive: true }
 * ```
 */
export function registerBackend(backend: Backend, options: { setActive?: boolean } = {}): void {
  if (!backend || typeof backend.name !== 'string' || backend.name === '') {
    throw new InvalidArgumentError(`registerBackend: argument 'backend' must have a non-empty name; received ${String(backend?.name)}`);
  }
  const previous = entries.get(backend.name);
  const entry: Entry = { backend, memory: previous?.memory ?? { storages: 0, bytes: 0, peakBytes: 0 } };
  entries.set(backend.name, entry);
  const active = registry.active;
  if (options.setActive || active === undefined || active.backend.name === backend.name) registry.active = entry;
}

/**
 * Names of the registered backends.
 *
 * @example
 * ```ts
 * console.assert(listBackends().includes('cpu'));
 * ```
 */
export function listBackends(): string[] {
  return [...entries.keys()];
}

function entryOf(op: string, name: string): Entry {
  const entry = entries.get(name);
  if (!entry) {
    throw new InvalidArgumentError(`${op}: argument 'name' must be a registered backend (${listBackends().join(', ')}); received '${String(name)}'`);
  }
  return entry;
}

/**
 * Makes the named backend the one new tensors are created on.
 *
 * @example
 * ```ts
 * const cpu = cpuBackend;
 * registerBackend({ ...cpu, name: 'cpu-alt' });
 * setBackend('cpu-alt');
 * console.assert(zeros([2]).backendName === 'cpu-alt');
 * setBackend('cpu');
 * ```
 */
export function setBackend(name: string): void {
  registry.active = entryOf('setBackend', name);
}

/**
 * The active backend, or the named one.
 *
 * @example
 * ```ts
 * console.assert(getBackend().name === zeros([1]).backendName && getBackend('cpu') === cpuBackend);
 * ```
 */
export function getBackend(name?: string): Backend {
  if (name !== undefined) return entryOf('getBackend', name).backend;
  const active = registry.active;
  if (!active) throw new InvalidArgumentError('getBackend: no backend is registered');
  return active.backend;
}

/**
 * Live-storage counters of the active or the named backend (a copy).
 *
 * @example
 * ```ts
 * const before = memory().bytes;
 * const x = zeros([256]); // 1 KiB of float32
 * console.assert(memory().bytes >= before + 1024);
 * x.dispose();
 * ```
 */
export function memory(name?: string): MemoryInfo {
  const entry = name === undefined ? registry.active : entryOf('memory', name);
  if (!entry) throw new InvalidArgumentError('memory: no backend is registered');
  return { ...entry.memory };
}

/**
 * Starts a new peak measurement: sets `peakBytes` to the current `bytes`.
 *
 * @example
 * ```ts
 * zeros([1024]).dispose();
 * resetPeakMemory();
 * console.assert(memory().peakBytes === memory().bytes);
 * ```
 */
export function resetPeakMemory(name?: string): void {
  const entry = name === undefined ? registry.active : entryOf('resetPeakMemory', name);
  if (entry) entry.memory.peakBytes = entry.memory.bytes;
}

/** Internal: counts a new storage of `bytes` on `backend`. */
export function countAlloc(backend: Backend, bytes: number): void {
  const m = entries.get(backend.name)?.memory;
  if (!m) return;
  m.storages++;
  m.bytes += bytes;
  if (m.bytes > m.peakBytes) m.peakBytes = m.bytes;
}

/** Internal: frees a storage and uncounts it. */
export function releaseStorage(backend: Backend, handle: DataHandle, bytes: number): void {
  const m = entries.get(backend.name)?.memory;
  if (m) {
    m.storages--;
    m.bytes -= bytes;
  }
  backend.release(handle);
}
