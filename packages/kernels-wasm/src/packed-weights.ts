// Recurrent weights packed into the sequence kernels' layout once per parameter version and kept in pinned wasm memory.
//
// The fused LSTM/GRU kernels read W_hh `[G·H, H]` as panels (assembly/recurrent.ts: packForwardWeights for h·W_hhᵀ,
// packBackwardWeights for dG·W_hh). A packed copy belongs to the tensor passed (a layer's parameter, the same object
// call after call) and holds the values of one storage at one version: an optimizer step that assigns the parameter a
// new storage, or bumps its version counter, makes the next call repack into the same block. A copy is also dropped
// when its storage is released (the array may be recycled into another tensor) or written in place by a kernel.
// Copies live in blocks the resident region keeps across calls (ResidentRegion.pin), which can only be cut while no block is live:
// kernels reserve theirs in their prelude, before their inputs are staged, and pack in the call itself. A weight
// without a reserved block (a nested call, a full cache) is packed into the call's memory.
import type { DataHandle, TensorInfo } from '@seqlab/tensor-core';
import type { Runtime } from './runtime.js';
import { wasmState } from './shared.js';

/** Which product the packing serves: h·W_hhᵀ (forward) or dG·W_hh (backward). */
export type PackedLayout = 'forward' | 'backward';

/** Bytes of packed copies kept at most; beyond this the least recently used are dropped. */
export const PACKED_CACHE_BYTES = 128 * 1024 * 1024;

/** Bytes of either packed layout of a `[gates·H, H]` W_hh: ⌈H/8⌉·8 columns by gates·H, float32. */
export function packedBytes(gates: number, H: number): number {
  return Math.ceil(H / 8) * 8 * gates * H * 4;
}

interface Entry {
  /** The tensor the block belongs to, or null once the block is free for another tensor. */
  owner: WeakRef<object> | null;
  layout: PackedLayout;
  /** The storage and version the packed values belong to, when `current`. */
  handle: WeakRef<object> | null;
  version: number | undefined;
  current: boolean;
  /** Address of the pinned block and its size. */
  at: number;
  bytes: number;
  /** Use counter value of the last use (least recently used entries go first). */
  used: number;
}

/** Counters of the packed-weight cache, for tests and diagnostics. */
export interface PackedCacheStats {
  /** Pinned blocks held, in use or free for reuse. */
  blocks: number;
  /** Their bytes. */
  bytes: number;
  /** Packings done over the process's life (a cache hit does none). */
  packs: number;
}

// One cache for every loaded copy of kernels-wasm, as there is one heap.
const cache = wasmState.claim('packedWeights', { entries: [] as Entry[], byOwner: new WeakMap<object, Entry[]>(), clock: 0, packs: 0 });
const { entries, byOwner } = cache;

function find(owner: object, layout: PackedLayout): Entry | undefined {
  return byOwner.get(owner)?.find((e) => e.layout === layout);
}

/** Whether `entry` holds the values of `weight`'s storage at its current version. */
function holds(entry: Entry, weight: TensorInfo): boolean {
  return entry.current && entry.handle?.deref() === weight.handle && entry.version === weight.version;
}

/**
 * Forgets every packed copy of `handle`'s storage: the backend calls it when the storage is released (its array may
 * then be recycled into another tensor) and when a kernel writes it in place.
 */
export function forgetPacked(handle: DataHandle): void {
  for (const entry of entries) if (entry.current && entry.handle?.deref() === handle) entry.current = false;
}

function isFree(entry: Entry): boolean {
  return entry.owner === null || entry.owner.deref() === undefined;
}

function release(entry: Entry): void {
  const owner = entry.owner?.deref();
  if (owner !== undefined) {
    const list = byOwner.get(owner)!;
    list.splice(list.indexOf(entry), 1);
  }
  entry.owner = entry.handle = null;
  entry.current = false;
}

// A block of `bytes` for a new entry: a free block of that size, else a new pinned block, after dropping the least
// recently used entries while the cache would exceed its budget. Null when the heap cannot pin now.
function slotFor(rt: Runtime, bytes: number): Entry | null {
  const spare = entries.find((e) => e.bytes === bytes && isFree(e));
  if (spare) {
    release(spare);
    return spare;
  }
  if (bytes > PACKED_CACHE_BYTES) return null;
  let total = entries.reduce((sum, e) => sum + e.bytes, 0);
  while (total + bytes > PACKED_CACHE_BYTES) {
    const victim = entries.reduce((a, b) => (isFree(a) !== isFree(b) ? (isFree(a) ? a : b) : a.used <= b.used ? a : b));
    release(victim);
    entries.splice(entries.indexOf(victim), 1);
    rt.resident.unpin(victim.at);
    total -= victim.bytes;
  }
  const at = rt.resident.pin(bytes);
  if (at === null) return null;
  const entry: Entry = { owner: null, layout: 'forward', handle: null, version: undefined, current: false, at, bytes, used: 0 };
  entries.push(entry);
  return entry;
}

/**
 * Makes sure `weight` (W_hh, `[gates·H, H]`) has a pinned block for `layout`, which {@link packedWeights} fills in the
 * same call unless it already holds the weight's storage at its current version. Call before any block of the call
 * is allocated (a kernel's prelude); later it reserves nothing and the weight is packed into the call's memory.
 */
export function reservePacked(rt: Runtime, weight: TensorInfo, layout: PackedLayout): void {
  if (find(weight, layout)) return;
  const [rows, H] = weight.shape;
  const slot = slotFor(rt, packedBytes(rows / H, H));
  if (slot === null) return;
  slot.owner = new WeakRef(weight);
  slot.layout = layout;
  let list = byOwner.get(weight);
  if (!list) byOwner.set(weight, (list = []));
  list.push(slot);
}

/**
 * Address of `weight` packed for `layout` in this call: its cached copy when it holds the weight's storage at its
 * current version, else packed now from `staged` (the weight's address in the call's memory), into its reserved block
 * or, without one, into the call's memory.
 */
export function packedWeights(rt: Runtime, weight: TensorInfo, staged: number, layout: PackedLayout): number {
  const [rows, H] = weight.shape;
  const entry = find(weight, layout);
  if (entry) entry.used = ++cache.clock;
  if (entry && holds(entry, weight)) return entry.at;
  const at = entry?.at ?? rt.heap.alloc(packedBytes(rows / H, H));
  if (layout === 'forward') rt.exports.packForwardWeights(staged, rows / H, H, at);
  else rt.exports.packBackwardWeights(staged, rows / H, H, at);
  cache.packs++;
  if (entry) {
    entry.handle = new WeakRef(weight.handle as object);
    entry.version = weight.version;
    entry.current = true;
  }
  return at;
}

/** Current counters of the cache. */
export function packedCacheStats(): PackedCacheStats {
  return { blocks: entries.length, bytes: entries.reduce((sum, e) => sum + e.bytes, 0), packs: cache.packs };
}
