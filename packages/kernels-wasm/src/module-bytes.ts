// The embedded kernel binaries (plain and FMA builds): base64 decoding and the rewrite that lets them run on unshared memory.
import { InvalidArgumentError } from '@seqlab/tensor-core';
import type { WasmBuild } from './builds.js';
import { WASM_BASE64 } from './wasm-binary.js';
import { WASM_FMA_BASE64 } from './wasm-binary-fma.js';

const BASE64: Record<WasmBuild, string> = { plain: WASM_BASE64, fma: WASM_FMA_BASE64 };

/** The module bytes of kernel build `build` (default `plain`), decoded from the base64 embedded at build time. */
export function kernelBytes(build: WasmBuild = 'plain'): Uint8Array {
  const text = atob(BASE64[build]);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

function readLeb(bytes: Uint8Array, pos: number): [value: number, next: number] {
  let value = 0,
    shift = 0,
    b: number;
  do {
    b = bytes[pos++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  return [value, pos];
}

/**
 * A copy of `bytes` whose imported memory is declared unshared, for hosts without SharedArrayBuffer. The kernels
 * never depend on sharing (atomics are valid on unshared memory), so flipping the limits flag is the whole change.
 */
export function unshareMemoryImport(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  let pos = 8;
  while (pos < out.length) {
    const id = out[pos++];
    let size: number;
    [size, pos] = readLeb(out, pos);
    const end = pos + size;
    if (id === 2) {
      let count: number;
      [count, pos] = readLeb(out, pos);
      for (let i = 0; i < count; i++) {
        for (let s = 0; s < 2; s++) {
          let len: number;
          [len, pos] = readLeb(out, pos);
          pos += len;
        }
        const kind = out[pos++];
        if (kind === 2) {
          // Limits flags: 0x03 = shared with maximum, 0x01 = unshared with maximum.
          if (out[pos] === 0x03) out[pos] = 0x01;
          return out;
        }
        // Skip the other import kinds' descriptors (function: type index; table: type + limits; global: type + mut).
        if (kind === 0) [, pos] = readLeb(out, pos);
        else if (kind === 1) {
          pos++;
          const flags = out[pos++];
          [, pos] = readLeb(out, pos);
          if (flags & 1) [, pos] = readLeb(out, pos);
        } else if (kind === 3) pos += 2;
      }
    }
    pos = end;
  }
  throw new InvalidArgumentError('wasm: the kernel module has no memory import to unshare');
}
