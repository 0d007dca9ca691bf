// Reading and validating a safetensors header before any offset in it is trusted.
import { CheckpointCorruptError, InvalidArgumentError } from './errors.js';
import { isSafetensorsDType, SAFETENSORS_DTYPES, type SafetensorsDType } from './safetensors-dtype.js';
import { JsonSyntaxError, parseStrictJson, type JsonObject, type JsonValue } from './safetensors-json.js';
import { describe } from './shape.js';

/**
 * Largest header accepted, in bytes, as in the reference implementation (guards against huge allocations).
 *
 * @example
 * ```ts
 * console.assert(MAX_SAFETENSORS_HEADER_BYTES === 100_000_000); // headers larger than this are refused as corrupt
 * ```
 */
export const MAX_SAFETENSORS_HEADER_BYTES = 100_000_000;

/** One tensor described by a safetensors header. */
export interface SafetensorsEntry {
  /** The tensor's name (a key of the header). */
  readonly name: string;
  /** Element type code as written in the file. */
  readonly dtype: SafetensorsDType;
  /** Dimension sizes. */
  readonly shape: readonly number[];
  /** `[begin, end)` byte offsets relative to the start of the data section. */
  readonly dataOffsets: readonly [number, number];
}

/** A validated safetensors header. */
export interface SafetensorsHeader {
  /** The `__metadata__` strings (empty when the file has none). */
  readonly metadata: Record<string, string>;
  /** The tensors, in the order the header lists them. */
  readonly entries: readonly SafetensorsEntry[];
  /** Length N of the JSON header in bytes, padding included; the data section starts at byte `8 + N`. */
  readonly headerSize: number;
}

function corrupt(message: string): never {
  throw new CheckpointCorruptError(`safetensors: ${message}`);
}

function kindOf(value: JsonValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value instanceof Map) return 'an object';
  return describe(value);
}

function isIndex(value: JsonValue | undefined): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function readMetadata(value: JsonValue): Record<string, string> {
  if (!(value instanceof Map)) corrupt(`'__metadata__' must be an object of strings; received ${kindOf(value)}`);
  const pairs: [string, string][] = [];
  for (const [key, v] of value) {
    if (typeof v !== 'string') corrupt(`'__metadata__' value of ${JSON.stringify(key)} must be a string; received ${kindOf(v)}`);
    pairs.push([key, v]);
  }
  // fromEntries defines own properties, so a key like "__proto__" stays data (read it back with Object.hasOwn).
  return Object.fromEntries(pairs);
}

function readEntry(name: string, value: JsonValue, dataLength: number): SafetensorsEntry {
  if (name === '') corrupt('a tensor has an empty name');
  if (!(value instanceof Map)) corrupt(`tensor '${name}' must be an object {dtype, shape, data_offsets}; received ${kindOf(value)}`);
  const info: JsonObject = value;
  const dtype = info.get('dtype');
  if (!isSafetensorsDType(dtype)) {
    corrupt(`tensor '${name}' has unknown or unsupported dtype ${kindOf(dtype)}; expected one of ${Object.keys(SAFETENSORS_DTYPES).join(', ')}`);
  }
  const shape = info.get('shape');
  if (!Array.isArray(shape) || !shape.every(isIndex)) {
    corrupt(`tensor '${name}' must have a 'shape' of non-negative integers; received ${kindOf(shape)}`);
  }
  const offsets = info.get('data_offsets');
  if (!Array.isArray(offsets) || offsets.length !== 2 || !isIndex(offsets[0]) || !isIndex(offsets[1])) {
    corrupt(`tensor '${name}' must have 'data_offsets' [begin, end] of non-negative integers; received ${kindOf(offsets)}`);
  }
  const [begin, end] = offsets;
  if (begin > end) corrupt(`tensor '${name}' has data_offsets [${begin}, ${end}] that end before they begin`);
  if (end > dataLength) {
    corrupt(`tensor '${name}' has data_offsets [${begin}, ${end}] outside the data section of ${dataLength} bytes`);
  }
  const elementBytes = SAFETENSORS_DTYPES[dtype].bytes;
  // Stop multiplying past 2^53 so that huge shapes stay finite and never match a byte length by rounding.
  let count = shape.includes(0) ? 0 : 1;
  for (let i = 0; i < shape.length && count <= Number.MAX_SAFE_INTEGER; i++) count *= shape[i];
  const needed = count * elementBytes;
  if (needed !== end - begin) {
    corrupt(
      `tensor '${name}' of dtype ${dtype} and shape [${shape.join(', ')}] needs ${needed > Number.MAX_SAFE_INTEGER ? 'more than 2^53' : needed} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`,
    );
  }
  return { name, dtype, shape: shape as number[], dataOffsets: [begin, end] };
}

/** Throws unless the entries' byte ranges tile `[0, dataLength)` without gaps or overlaps (as the reference requires). */
function checkCoverage(entries: readonly SafetensorsEntry[], dataLength: number): void {
  const sorted = [...entries].sort((a, b) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  let cursor = 0;
  let previous = '';
  for (const e of sorted) {
    const [begin, end] = e.dataOffsets;
    if (begin < cursor) corrupt(`tensor '${e.name}' at [${begin}, ${end}] overlaps tensor '${previous}' ending at ${cursor}`);
    if (begin > cursor) corrupt(`data bytes [${cursor}, ${begin}) belong to no tensor (gap before tensor '${e.name}')`);
    cursor = end;
    previous = e.name;
  }
  if (cursor !== dataLength) corrupt(`data section has ${dataLength} bytes but the tensors cover only ${cursor}`);
}

const OPEN_BRACE = 0x7b;

function printable(bytes: Uint8Array): string {
  return JSON.stringify(String.fromCharCode(...bytes).replace(/[^\x20-\x7e]/g, '?'));
}

/**
 * Reads and checks the 8-byte little-endian header length at the start of a safetensors file, so that a reader
 * knows how many bytes of JSON header to fetch before anything else. A file whose first bytes are not a plausible
 * header length followed by a JSON object is reported as "not a safetensors file" (a text file, say), a header
 * that runs past the end as a truncated file.
 *
 * @param prefix - the file's first bytes: at least 9 when the file has that many (the byte after the length field
 *   tells a safetensors header from other files)
 * @param fileLength - the whole file's length in bytes (`prefix.length` when the prefix is the whole file)
 * @returns N, the JSON header's length; the data section starts at byte `8 + N`
 * @throws CheckpointCorruptError (code `CHECKPOINT_CORRUPT`) naming what is wrong
 * @example
 * ```ts
 * const n = readSafetensorsHeaderLength(firstBytes, fileSize); // then read bytes [8, 8 + n) as the header
 * ```
 */
export function readSafetensorsHeaderLength(prefix: Uint8Array, fileLength: number = prefix.length): number {
  if (!(prefix instanceof Uint8Array)) {
    throw new InvalidArgumentError(`readSafetensorsHeaderLength: argument 'prefix' must be a Uint8Array; received ${describe(prefix)}`);
  }
  if (!Number.isSafeInteger(fileLength) || fileLength < prefix.length) {
    throw new InvalidArgumentError(
      `readSafetensorsHeaderLength: argument 'fileLength' must be an integer ≥ prefix.length ${prefix.length}; received ${String(fileLength)}`,
    );
  }
  if (fileLength < 8) corrupt(`not a safetensors file: it has ${fileLength} bytes; at least 8 are needed for the header length`);
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const headerSize = high * 0x1_0000_0000 + low;
  const plausible = high === 0 && headerSize <= MAX_SAFETENSORS_HEADER_BYTES;
  // Every safetensors header is a JSON object; a text or other file fails this at its 9th byte.
  if (prefix.length > 8 && prefix[8] !== OPEN_BRACE && (!plausible || headerSize > fileLength - 8)) {
    const start = printable(prefix.subarray(0, 16));
    corrupt(`not a safetensors file: it does not begin with an 8-byte header length and a JSON header (its first bytes are ${start})`);
  }
  if (!plausible) corrupt(`header length ${high === 0 ? headerSize : `${high}·2^32 + ${low}`} exceeds the limit of ${MAX_SAFETENSORS_HEADER_BYTES} bytes`);
  if (headerSize > fileLength - 8) corrupt(`header length ${headerSize} exceeds the ${fileLength - 8} bytes after the length field (a truncated file?)`);
  return headerSize;
}

/**
 * Reads and validates the header of a safetensors byte string without decoding any tensor.
 * Everything is checked before it is trusted: the header length against the bytes present and a 100 MB cap,
 * UTF-8 and JSON syntax (duplicate keys included), every dtype, shape and offset pair, and that the tensors
 * tile the data section exactly. Names and metadata keys from the file are kept as own data properties, so no
 * name (`__proto__` included) ever reaches an object prototype.
 *
 * @param bytes - the whole file, or (for header-first reads of large files) at least its first `8 + N` bytes
 * @param fileLength - the whole file's length (default `bytes.length`); offsets are checked against it
 * @throws CheckpointCorruptError (code `CHECKPOINT_CORRUPT`) naming what is wrong
 * @example
 * ```ts
 * const { entries, metadata } = readSafetensorsHeader(bytes);
 * for (const e of entries) console.log(e.name, e.dtype, e.shape);
 * ```
 */
export function readSafetensorsHeader(bytes: Uint8Array, fileLength: number = bytes?.length): SafetensorsHeader {
  if (!(bytes instanceof Uint8Array)) {
    throw new InvalidArgumentError(`readSafetensorsHeader: argument 'bytes' must be a Uint8Array; received ${describe(bytes)}`);
  }
  const headerSize = readSafetensorsHeaderLength(bytes, fileLength);
  if (bytes.length < 8 + headerSize) {
    throw new InvalidArgumentError(`readSafetensorsHeader: argument 'bytes' must hold the whole header (${8 + headerSize} bytes); received ${bytes.length}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + headerSize));
  } catch {
    corrupt('header is not valid UTF-8');
  }
  let root: JsonValue;
  try {
    root = parseStrictJson(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) corrupt(`header is not valid JSON: ${err.message}`);
    throw err;
  }
  if (!(root instanceof Map)) corrupt(`header must be a JSON object; received ${kindOf(root)}`);
  const dataLength = fileLength - 8 - headerSize;
  let metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];
  for (const [key, value] of root) {
    if (key === '__metadata__') metadata = readMetadata(value);
    else entries.push(readEntry(key, value, dataLength));
  }
  checkCoverage(entries, dataLength);
  return { metadata, entries, headerSize };
}
