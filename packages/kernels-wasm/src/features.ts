// Feature detection: WebAssembly SIMD and relaxed SIMD, shared memory, and whether this thread may block on Atomics.wait.
import { nodeBuiltin } from '@seqlab/tensor-core';

// A module of one function `(func (result v128) <body>)`, so that validating it tells whether the host knows the
// instructions in `body` (every probe body below is under 128 bytes, so each size is one LEB byte).
function probeModule(body: number[]): Uint8Array {
  const code = [0x00, ...body, 0x0b];
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const types = [0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b];
  const functions = [0x03, 0x02, 0x01, 0x00];
  return new Uint8Array([...header, ...types, ...functions, 0x0a, code.length + 2, 0x01, code.length, ...code]);
}

// v128.const i32x4 0 0 0 0
const V128_ZERO = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
// (v128.const 0): validates only where fixed-width SIMD is supported.
const SIMD_PROBE = probeModule(V128_ZERO);
// (f32x4.relaxed_madd (v128.const 0) (v128.const 0) (v128.const 0)), opcode 0xfd 0x105: validates only where relaxed
// SIMD is supported (browsers since 2023, Node 22+; Node 20 behind --experimental-wasm-relaxed-simd).
const RELAXED_SIMD_PROBE = probeModule([...V128_ZERO, ...V128_ZERO, ...V128_ZERO, 0xfd, 0x85, 0x02]);

function validates(probe: Uint8Array): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(probe as BufferSource);
  } catch {
    return false;
  }
}

/** True where WebAssembly with fixed-width SIMD can run here. */
export function hasWasmSimd(): boolean {
  return validates(SIMD_PROBE);
}

/** True where WebAssembly relaxed SIMD (whose `f32x4.relaxed_madd` the FMA kernel build uses) can run here. */
export function hasRelaxedSimd(): boolean {
  return validates(RELAXED_SIMD_PROBE);
}

/** True where a shared WebAssembly.Memory can be created (SharedArrayBuffer exists and, in browsers, the page is cross-origin isolated). */
export function hasSharedMemory(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) return false;
  try {
    const m = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return m.buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

/** True where this thread may call Atomics.wait (Node's main thread and workers; not a browser's main thread). */
export function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** Hardware threads available to this process (1 when unknown). */
export function hardwareThreads(): number {
  const os = nodeBuiltin<{ availableParallelism?: () => number; cpus: () => unknown[] }>('node:os');
  if (os) return os.availableParallelism?.() ?? os.cpus().length;
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return nav?.hardwareConcurrency ?? 1;
}
