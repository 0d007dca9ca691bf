// safetensors encode/decode: a length-prefixed JSON header, then little-endian raw tensor bytes.
import type { Backend } from './backend.js';
import { bytesPerElement, type DType, type TypedArray } from './dtype.js';
import { CheckpointCorruptError, DTypeMismatchError, InvalidArgumentError, MemoryBudgetError } from './errors.js';
import { wrap } from './ops/dispatch.js';
import { getBackend } from './registry.js';
import { allocTensorArray, decodeElements, encodeElements, isNativeLayout, SAFETENSORS_DTYPE_OF, SAFETENSORS_DTYPES } from './safetensors-dtype.js';
import { MAX_SAFETENSORS_HEADER_BYTES, readSafetensorsHeader, readSafetensorsHeaderLength } from './safetensors-header.js';
import type { SafetensorsEntry, SafetensorsHeader } from './safetensors-header.js';
import { describe } from './shape.js';
import { Tensor } from './tensor.js';

export { MAX_SAFETENSORS_HEADER_BYTES, readSafetensorsHeader, readSafetensorsHeaderLength } from './safetensors-header.js';
export type { SafetensorsEntry, SafetensorsHeader } from './safetensors-header.js';
export { SAFETENSORS_DTYPES } from './safetensors-dtype.js';
export type { SafetensorsDType, SafetensorsDTypeInfo } from './safetensors-dtype.js';

/** Options of {@link decodeSafetensors} and {@link readSafetensorsTensor}. */
export interface DecodeSafetensorsOptions {
  /** Backend the tensors are created on; defaults to the active backend. */
  backend?: string;
  /**
   * Load F64 tensors as float32 when the backend cannot store float64 (the wasm backend), as PyTorch's
   * `load_state_dict` converts into float32 parameters. Default false: such a tensor is a `DTypeMismatchError`.
   */
  downcastFloat64?: boolean;
}

/** The result of {@link decodeSafetensors}. */
export interface DecodedSafetensors {
  /** Tensors by name (a null-prototype record: a name such as `__proto__` is plain data). */
  tensors: Record<string, Tensor>;
  /** The `__metadata__` strings (empty when the file has none), as own properties: read them with `Object.hasOwn`. */
  metadata: Record<string, string>;
}

/**
 * Random access to the bytes of a safetensors file, so that large files are read header first and then tensor by
 * tensor from their offsets, never whole. `@seqlab/autograd`'s `loadCheckpoint` passes a Node file handle; any
 * other store (a Blob, an HTTP range reader) works the same way.
 */
export interface SafetensorsSource {
  /** Total length of the file in bytes. */
  readonly byteLength: number;
  /** Fills all of `target` with the bytes that start at `position` (or rejects). */
  read(position: number, target: Uint8Array): Promise<void>;
}

/**
 * A {@link SafetensorsSource} over bytes already in memory.
 *
 * @example
 * ```ts
 * const header = await readSafetensorsHeaderFrom(bytesSource(bytes));
 * ```
 */
export function bytesSource(bytes: Uint8Array): SafetensorsSource {
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError(`bytesSource: argument 'bytes' must be a Uint8Array; received ${describe(bytes)}`);
  return {
    byteLength: bytes.length,
    read: async (position, target) => {
      if (position < 0 || position + target.length > bytes.length) {
        throw new CheckpointCorruptError(`safetensors: bytes [${position}, ${position + target.length}) lie outside the ${bytes.length} bytes given`);
      }
      target.set(bytes.subarray(position, position + target.length));
    },
  };
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Serialises tensors (and optional string metadata) in the safetensors format, readable by Python's
 * `safetensors.torch.load`. float32, float64, int32 and bool tensors are written as F32, F64, I32 and BOOL.
 * Header keys are sorted by name; data is laid out widest dtype first so that every tensor stays aligned to its
 * element size, and the header is padded with spaces to a multiple of 8 bytes.
 *
 * @param tensors - tensors by name (names must be non-empty and not `__metadata__`)
 * @param metadata - string values stored under `__metadata__` (omitted from the file when undefined)
 * @returns the file's bytes
 * @example
 * ```ts
 * const bytes = encodeSafetensors({ 'linear.weight': randn([4, 3]) }, { step: '100' });
 * const { tensors, metadata } = decodeSafetensors(bytes);
 * ```
 */
export function encodeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  if (typeof tensors !== 'object' || tensors === null || Array.isArray(tensors) || tensors instanceof Tensor) {
    throw new InvalidArgumentError(`encodeSafetensors: argument 'tensors' must be an object of named tensors; received ${describe(tensors)}`);
  }
  const names = Object.keys(tensors).sort(byCodeUnits);
  for (const name of names) {
    if (name === '' || name === '__metadata__') {
      throw new InvalidArgumentError(`encodeSafetensors: tensor names must be non-empty and not '__metadata__'; received ${JSON.stringify(name)}`);
    }
    if (!(tensors[name] instanceof Tensor)) {
      throw new InvalidArgumentError(`encodeSafetensors: argument 'tensors' entry '${name}' must be a Tensor; received ${describe(tensors[name])}`);
    }
  }
  let metadataJson: string | undefined;
  if (metadata !== undefined) {
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
      throw new InvalidArgumentError(`encodeSafetensors: argument 'metadata' must be an object of strings; received ${describe(metadata)}`);
    }
    const keys = Object.keys(metadata).sort(byCodeUnits);
    for (const key of keys) {
      if (typeof metadata[key] !== 'string') {
        throw new InvalidArgumentError(`encodeSafetensors: argument 'metadata' value of '${key}' must be a string; received ${describe(metadata[key])}`);
      }
    }
    metadataJson = `{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(',')}}`;
  }

  // Widest elements first keeps each tensor's offset a multiple of its element size (the header is 8-aligned).
  const layout = [...names].sort((a, b) => bytesPerElement(tensors[b].dtype) - bytesPerElement(tensors[a].dtype) || byCodeUnits(a, b));
  const offsets = new Map<string, [number, number]>();
  let dataLength = 0;
  for (const name of layout) {
    const t = tensors[name];
    const length = t.size * bytesPerElement(t.dtype);
    offsets.set(name, [dataLength, dataLength + length]);
    dataLength += length;
  }

  // Built by hand: an object literal would move integer-like names first and treat "__proto__" specially.
  const parts: string[] = [];
  if (metadataJson !== undefined) parts.push(`"__metadata__":${metadataJson}`);
  for (const name of names) {
    const t = tensors[name];
    const [begin, end] = offsets.get(name)!;
    parts.push(`${JSON.stringify(name)}:{"dtype":"${SAFETENSORS_DTYPE_OF[t.dtype]}","shape":[${t.shape.join(',')}],"data_offsets":[${begin},${end}]}`);
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerSize = Math.ceil(json.length / 8) * 8;
  if (headerSize > MAX_SAFETENSORS_HEADER_BYTES) {
    throw new InvalidArgumentError(`encodeSafetensors: the header would take ${headerSize} bytes; at most ${MAX_SAFETENSORS_HEADER_BYTES} are readable`);
  }

  const out = new Uint8Array(8 + headerSize + dataLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerSize, true);
  view.setUint32(4, 0, true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerSize);
  const dataStart = 8 + headerSize;
  for (const name of layout) {
    const t = tensors[name];
    const [begin, end] = offsets.get(name)!;
    encodeElements(t.dataSync() as TypedArray, t.dtype, out.subarray(dataStart + begin, dataStart + end));
  }
  return out;
}

function optionsOf(fn: string, options: DecodeSafetensorsOptions): { backend: Backend; downcastFloat64: boolean } {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`${fn}: argument 'options' must be an object {backend?, downcastFloat64?}; received ${describe(options)}`);
  }
  return { backend: getBackend(options.backend), downcastFloat64: options.downcastFloat64 === true };
}

/** The dtype tensor `e` is created with on `backend`, or a DTypeMismatchError that says how to load it. */
function loadedDType(fn: string, e: SafetensorsEntry, backend: Backend, downcastFloat64: boolean): DType {
  const target = SAFETENSORS_DTYPES[e.dtype].target;
  if (backend.dtypes.includes(target)) return target;
  if (target === 'float64' && downcastFloat64 && backend.dtypes.includes('float32')) return 'float32';
  const hint = target === 'float64' ? " (load it on backend 'cpu', or pass downcastFloat64: true to convert it to float32)" : '';
  throw new DTypeMismatchError(`${fn}: tensor '${e.name}' loads as ${target}, which backend '${backend.name}' cannot store${hint}`);
}

function elementCount(e: SafetensorsEntry): number {
  return (e.dataOffsets[1] - e.dataOffsets[0]) / SAFETENSORS_DTYPES[e.dtype].bytes;
}

function toTensor(e: SafetensorsEntry, values: TypedArray, dtype: DType, backend: Backend): Tensor {
  const stored = dtype === SAFETENSORS_DTYPES[e.dtype].target ? values : Float32Array.from(values as Float64Array);
  return wrap(backend, backend.adopt(stored, dtype), e.shape, dtype);
}

/**
 * Parses a safetensors byte string into tensors. The header is fully validated first
 * ({@link readSafetensorsHeader}); F32, F64, I32 and BOOL load as float32, float64, int32 and bool; F16 and BF16
 * widen exactly to float32; I64, U64, U32, I16, U16, I8 and U8 load as int32 (a value outside the int32 range is
 * an error, never a silent wrap). For files too large to hold in memory at once, use {@link decodeSafetensorsFrom}.
 *
 * @param bytes - the whole file
 * @param options - the backend to create tensors on, and whether F64 may become float32 there
 * @throws CheckpointCorruptError (code `CHECKPOINT_CORRUPT`) for any malformed input, naming what is wrong
 * @example
 * ```ts
 * const { tensors, metadata } = decodeSafetensors(new Uint8Array(await readFile('model.safetensors')));
 * tensors['embedding.weight'].shape;
 * ```
 */
export function decodeSafetensors(bytes: Uint8Array, options: DecodeSafetensorsOptions = {}): DecodedSafetensors {
  const { backend, downcastFloat64 } = optionsOf('decodeSafetensors', options);
  const header = readSafetensorsHeader(bytes);
  const dtypes = header.entries.map((e) => loadedDType('decodeSafetensors', e, backend, downcastFloat64));
  const dataStart = 8 + header.headerSize;
  const tensors: Record<string, Tensor> = Object.create(null);
  header.entries.forEach((e, i) => {
    const [begin, end] = e.dataOffsets;
    const values = decodeElements(e.name, e.dtype, bytes.subarray(dataStart + begin, dataStart + end), elementCount(e));
    tensors[e.name] = toTensor(e, values, dtypes[i], backend);
  });
  return { tensors, metadata: header.metadata };
}

/**
 * Reads and validates only the header of a safetensors file through `source`: the 8-byte length, then the JSON
 * header; no tensor byte is read. Cost is bounded by the header's size (at most 100 MB).
 *
 * @throws CheckpointCorruptError (code `CHECKPOINT_CORRUPT`) naming what is wrong
 * @example
 * ```ts
 * const header = await readSafetensorsHeaderFrom(bytesSource(bytes));
 * header.entries.map((e) => e.name);
 * ```
 */
export async function readSafetensorsHeaderFrom(source: SafetensorsSource): Promise<SafetensorsHeader> {
  if (typeof source !== 'object' || source === null || typeof source.read !== 'function' || !Number.isSafeInteger(source.byteLength)) {
    throw new InvalidArgumentError(`readSafetensorsHeaderFrom: argument 'source' must be a SafetensorsSource {byteLength, read}; received ${describe(source)}`);
  }
  // 16 bytes: the length field, the header's first byte, and enough of a foreign file to show what it is.
  const prefix = new Uint8Array(Math.min(16, source.byteLength));
  await source.read(0, prefix);
  const headerSize = readSafetensorsHeaderLength(prefix, source.byteLength);
  const head = new Uint8Array(8 + headerSize);
  await source.read(0, head);
  return readSafetensorsHeader(head, source.byteLength);
}

/**
 * Reads one tensor of a validated header from `source`, at its offsets: only that tensor's bytes are read (straight
 * into the tensor's storage for F32, F64 and I32 on little-endian hosts), so memory stays bounded by the tensor.
 *
 * @param header - from {@link readSafetensorsHeaderFrom} on the same source
 * @param entry - one of `header.entries`
 * @throws MemoryBudgetError (code `MEMORY_BUDGET_EXCEEDED`) for a tensor larger than one typed array can hold
 * @example
 * ```ts
 * const header = await readSafetensorsHeaderFrom(source);
 * const weight = await readSafetensorsTensor(source, header, header.entries[0]);
 * ```
 */
export async function readSafetensorsTensor(
  source: SafetensorsSource,
  header: SafetensorsHeader,
  entry: SafetensorsEntry,
  options: DecodeSafetensorsOptions = {},
): Promise<Tensor> {
  const { backend, downcastFloat64 } = optionsOf('readSafetensorsTensor', options);
  const dtype = loadedDType('readSafetensorsTensor', entry, backend, downcastFloat64);
  const position = 8 + header.headerSize + entry.dataOffsets[0];
  const count = elementCount(entry);
  let values: TypedArray;
  if (isNativeLayout(entry.dtype)) {
    values = allocTensorArray(entry.name, SAFETENSORS_DTYPES[entry.dtype].target, count);
    await source.read(position, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  } else {
    const length = entry.dataOffsets[1] - entry.dataOffsets[0];
    let raw: Uint8Array;
    try {
      raw = new Uint8Array(length);
    } catch (err) {
      const why = (err as Error).message;
      throw new MemoryBudgetError(`safetensors: tensor '${entry.name}' spans ${length} bytes, more than this runtime can allocate at once (${why})`);
    }
    await source.read(position, raw);
    values = decodeElements(entry.name, entry.dtype, raw, count);
  }
  return toTensor(entry, values, dtype, backend);
}

/**
 * Decodes a safetensors file through `source` header first, then tensor by tensor from their offsets: the file is
 * never read whole, so files over 2 GiB load and peak memory is the tensors plus nothing larger than one of them.
 * Validation and results are as {@link decodeSafetensors}.
 *
 * @example
 * ```ts
 * const { tensors } = await decodeSafetensorsFrom(bytesSource(bytes), { backend: 'cpu' });
 * ```
 */
export async function decodeSafetensorsFrom(source: SafetensorsSource, options: DecodeSafetensorsOptions = {}): Promise<DecodedSafetensors> {
  const { backend, downcastFloat64 } = optionsOf('decodeSafetensorsFrom', options);
  const header = await readSafetensorsHeaderFrom(source);
  for (const e of header.entries) loadedDType('decodeSafetensorsFrom', e, backend, downcastFloat64);
  const tensors: Record<string, Tensor> = Object.create(null);
  for (const e of header.entries) tensors[e.name] = await readSafetensorsTensor(source, header, e, options);
  return { tensors, metadata: header.metadata };
}
