// safetensors encode/decode: a length-prefixed JSON header, then little-endian raw tensor bytes.
import { bytesPerElement, type TypedArray } from './dtype.js';
import { DTypeMismatchError, InvalidArgumentError } from './errors.js';
import { wrap } from './ops/dispatch.js';
import { getBackend } from './registry.js';
import { decodeElements, encodeElements, SAFETENSORS_DTYPE_OF, SAFETENSORS_DTYPES } from './safetensors-dtype.js';
import { MAX_SAFETENSORS_HEADER_BYTES, readSafetensorsHeader } from './safetensors-header.js';
import { describe } from './shape.js';
import { Tensor } from './tensor.js';

export { MAX_SAFETENSORS_HEADER_BYTES, readSafetensorsHeader } from './safetensors-header.js';
export type { SafetensorsEntry, SafetensorsHeader } from './safetensors-header.js';
export { SAFETENSORS_DTYPES } from './safetensors-dtype.js';
export type { SafetensorsDType, SafetensorsDTypeInfo } from './safetensors-dtype.js';

/** Options of {@link decodeSafetensors}. */
export interface DecodeSafetensorsOptions {
  /** Backend the tensors are created on; defaults to the active backend. */
  backend?: string;
}

/** The result of {@link decodeSafetensors}. */
export interface DecodedSafetensors {
  /** Tensors by name. */
  tensors: Record<string, Tensor>;
  /** The `__metadata__` strings (empty when the file has none). */
  metadata: Record<string, string>;
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

/**
 * Parses a safetensors byte string into tensors. The header is fully validated first
 * ({@link readSafetensorsHeader}); F32, F64, I32 and BOOL load as float32, float64, int32 and bool; F16 and BF16
 * widen exactly to float32; I64, U64, U32, I16, U16, I8 and U8 load as int32 (a value outside the int32 range is
 * an error, never a silent wrap).
 *
 * @param bytes - the whole file
 * @param options - the backend to create tensors on
 * @throws CheckpointCorruptError (code `CHECKPOINT_CORRUPT`) for any malformed input, naming what is wrong
 * @example
 * ```ts
 * const { tensors, metadata } = decodeSafetensors(new Uint8Array(await readFile('model.safetensors')));
 * tensors['embedding.weight'].shape;
 * ```
 */
export function decodeSafetensors(bytes: Uint8Array, options: DecodeSafetensorsOptions = {}): DecodedSafetensors {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`decodeSafetensors: argument 'options' must be an object {backend?}; received ${describe(options)}`);
  }
  const header = readSafetensorsHeader(bytes);
  const backend = getBackend(options.backend);
  for (const e of header.entries) {
    const target = SAFETENSORS_DTYPES[e.dtype].target;
    if (!backend.dtypes.includes(target)) {
      throw new DTypeMismatchError(`decodeSafetensors: tensor '${e.name}' loads as ${target}, which backend '${backend.name}' cannot store`);
    }
  }
  const dataStart = 8 + header.headerSize;
  const pairs: [string, Tensor][] = [];
  for (const e of header.entries) {
    const [begin, end] = e.dataOffsets;
    const count = (end - begin) / SAFETENSORS_DTYPES[e.dtype].bytes;
    const values = decodeElements(e.name, e.dtype, bytes.subarray(dataStart + begin, dataStart + end), count);
    const dtype = SAFETENSORS_DTYPES[e.dtype].target;
    pairs.push([e.name, wrap(backend, backend.adopt(values, dtype), e.shape, dtype)]);
  }
  return { tensors: Object.fromEntries(pairs), metadata: header.metadata };
}
