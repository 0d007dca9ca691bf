// Programs: gpu.js kernels compiled from generated source, cached by op+shape+flags, run on storage handles.
import { Texture, type IKernelRunShortcut } from 'gpu.js';
import { InvalidArgumentError, type TensorInfo } from '@seqlab/tensor-core';
import { runtime, type GpuRuntime } from './context.js';
import { checkSize, GpuFloat, ownTexture, runtimeOf, type FloatData } from './storage.js';
import { gpuState } from './shared.js';

/**
 * What {@link runProgram} compiles: a gpu.js kernel function given as source text (the output length is
 * {@link runProgram}'s `size`).
 *
 * The function computes one output element, `this.thread.x` in `[0, size)`, and returns it. Its parameters receive
 * the program's arguments in order: a float32 tensor or a `Float32Array` is indexed flat (`a[k]`, `k` computed in the
 * kernel; a float index is floored), a number is a `float` uniform. Everything that varies with shapes (sizes,
 * strides, loop bounds) is written into the source as literals, so the cache key must name it; everything that varies
 * per call (a scalar like `clamp`'s bounds, a time step, a learning rate) is an argument, so one compiled program
 * serves every value. The source uses gpu.js's JavaScript subset: `const`/`let`, `if`/`else`, `for` with literal
 * bounds, `Math.*`; no inner functions, no `NaN` literal (use `0.0 / 0.0` from an argument or the helpers in
 * `kernels/math.ts`), and no reliance on `Math.tanh` (NaN beyond |x| ≈ 89 on WebGL2).
 *
 * @example
 * ```ts
 * const addOne: ProgramSource = { source: 'function (a) { return a[this.thread.x] + 1; }', dynamicOutput: true };
 * ```
 */
export interface ProgramSource {
  /** A JavaScript function expression that gpu.js translates: `function (a, b) { return a[this.thread.x] + b[this.thread.x]; }`. */
  readonly source: string;
  /**
   * True when the source does not depend on the output length (a same-shape elementwise op): one compiled program
   * then serves every size, resized per call, and the key need not name the size. False (default): the size is
   * baked in and the key must name it.
   */
  readonly dynamicOutput?: boolean;
  /**
   * gpu.js argument types, in parameter order, when inference would pick another (it infers `Array` for a
   * Float32Array, `ArrayTexture(1)` for a texture, `Float` for a number).
   */
  readonly argumentTypes?: readonly string[];
  /**
   * GLSL functions the source calls by name (gpu.js `nativeFunctions`; webgl2 only): each declares its return and
   * argument types in `returnType` and `argumentTypes` (gpu.js type names, in parameter order).
   */
  readonly nativeFunctions?: readonly NativeFunction[];
}

/**
 * A GLSL function a {@link ProgramSource} calls: its name, its GLSL source, and the gpu.js types it returns and takes.
 *
 * @example
 * ```ts
 * const twice: NativeFunction = { name: 'twice', source: 'float twice(float x) { return 2.0 * x; }', returnType: 'Number', argumentTypes: ['Number'] };
 * ```
 */
export interface NativeFunction {
  /** The function's name in the GLSL source. */
  readonly name: string;
  /** GLSL: the function, after any global declarations it uses. */
  readonly source: string;
  /** gpu.js type of the result (`Number` for a float). */
  readonly returnType: string;
  /** gpu.js types of the parameters, in order. */
  readonly argumentTypes: readonly string[];
}

/**
 * An argument of {@link runProgram}: a float32 storage handle (its texture or array), a `Float32Array` (for example
 * int32 indices or a bool mask converted with {@link kernelInput}; uploaded on each call), or a number (a uniform).
 *
 * @example
 * ```ts
 * const args: ProgramArg[] = [x.handle as GpuFloat, 0.5];
 * ```
 */
export type ProgramArg = GpuFloat | Float32Array | number;

interface Cached {
  readonly kernel: IKernelRunShortcut;
  readonly dynamicOutput: boolean;
  /** The output length the kernel is set to now. */
  size: number;
  /** Textures this kernel made that tensors still hold: gpu.js reads (and frees) a texture through its kernel. */
  live: number;
  /** Out of the cache; destroyed once `live` is 0. */
  evicted: boolean;
}

const programs = gpuState.claim('programs', {
  cache: new Map<string, Cached>(),
  runtimeId: 0,
  capacity: 256,
  compiles: 0,
});

function destroy(entry: Cached): void {
  entry.evicted = true;
  try {
    entry.kernel.destroy(false);
  } catch {
    // A kernel of a lost context has nothing left to free.
  }
}

/** Takes `entry` out of service: destroyed now, or when the last texture it made is released. */
function evict(entry: Cached): void {
  entry.evicted = true;
  if (entry.live === 0) destroy(entry);
}

/** Internal: empties the cache when `rt` is not the runtime it was filled on. */
function cacheFor(rt: GpuRuntime): Map<string, Cached> {
  if (programs.runtimeId !== rt.id) {
    programs.cache.clear();
    programs.runtimeId = rt.id;
  }
  return programs.cache;
}

function argData(op: string, rt: GpuRuntime, arg: ProgramArg): FloatData | number {
  if (typeof arg === 'number' || arg instanceof Float32Array) return arg;
  runtimeOf(op, arg);
  if (arg.data === undefined && arg.host !== undefined) {
    const host = arg.host;
    // webasm/cpu kernels take the typed array as is; GL copies it into a texture once, by a cached identity program.
    arg.host = undefined;
    if (rt.gl === undefined) arg.data = host;
    else
      adopt(
        rt,
        arg,
        launch(op, rt, 'upload', () => COPY, host.length, [host]),
      );
  }
  if (arg.data === undefined) throw new InvalidArgumentError(`${op}: an argument of size ${arg.size} has no data (it was released)`);
  return arg.data;
}

/** The identity program (uploads, float32 copies). */
const COPY: ProgramSource = { source: 'function (a) { return a[this.thread.x]; }', dynamicOutput: true };

/** Internal: `handle` takes ownership of a launch's output (the texture, and a hold on the kernel that made it). */
function adopt(rt: GpuRuntime, handle: GpuFloat, [data, entry]: readonly [FloatData, Cached]): void {
  handle.data = data;
  if (!(data instanceof Texture)) return;
  ownTexture(rt, data);
  entry.live++;
  handle.onRelease = () => {
    if (--entry.live === 0 && entry.evicted) destroy(entry);
  };
}

function launch(op: string, rt: GpuRuntime, key: string, build: () => ProgramSource, size: number, args: readonly (FloatData | number)[]): [FloatData, Cached] {
  const cache = cacheFor(rt);
  let entry = cache.get(key);
  if (entry !== undefined) {
    // Least recently used last: re-insert on every hit.
    cache.delete(key);
    cache.set(key, entry);
  } else {
    const spec = build();
    const settings: Record<string, unknown> = {
      output: [size],
      dynamicOutput: spec.dynamicOutput === true,
      // Input sizes as uniforms: a texture's layout depends on how it was made, and one program serves every size.
      dynamicArguments: true,
      pipeline: true,
      // Never the default `false`: a cached kernel would overwrite the texture it returned to another tensor.
      immutable: true,
      precision: 'single',
      tactic: 'precision',
      // Four float32 values per RGBA32F texel: a quarter of the texture memory and readback of one value per texel.
      optimizeFloatMemory: true,
    };
    if (spec.argumentTypes !== undefined) settings.argumentTypes = [...spec.argumentTypes];
    if (spec.nativeFunctions !== undefined)
      settings.nativeFunctions = spec.nativeFunctions.map((f) => ({
        name: f.name,
        source: f.source,
        returnType: f.returnType,
        argumentTypes: Object.fromEntries(f.argumentTypes.map((t, i) => [`arg${i}`, t])),
      }));
    const kernel = rt.gpu.createKernel(spec.source as unknown as Parameters<typeof rt.gpu.createKernel>[0], settings) as IKernelRunShortcut;
    entry = { kernel, dynamicOutput: spec.dynamicOutput === true, size, live: 0, evicted: false };
    programs.compiles++;
    cache.set(key, entry);
    while (cache.size > programs.capacity) {
      const [oldest, evicted] = cache.entries().next().value as [string, Cached];
      cache.delete(oldest);
      evict(evicted);
    }
  }
  if (entry.size !== size) {
    if (!entry.dynamicOutput)
      throw new InvalidArgumentError(
        `${op}: program '${key}' was compiled for ${entry.size} outputs; received a call for ${size} (the key must name the size)`,
      );
    entry.kernel.setOutput([size]);
    entry.size = size;
  }
  const inner = (entry.kernel as unknown as { kernel: unknown }).kernel;
  const out = (entry.kernel as unknown as (...a: unknown[]) => Texture | Float32Array)(...args);
  // gpu.js compiles a new kernel behind the same shortcut when an argument changes kind (array ↔ texture): count it.
  if ((entry.kernel as unknown as { kernel: unknown }).kernel !== inner) programs.compiles++;
  runtime(op); // a context lost during the call reads as zeros or NaNs: throw instead
  return [out, entry];
}

/**
 * Runs the program cached under `key` (compiling `build()` on the first call with that key) on `args` and returns
 * the handle of a new float32 tensor of `size` elements that owns the result.
 *
 * Contract:
 * - `key` must determine the source completely: start it with the op name and add every shape and flag that the
 *   source bakes in, joined by `|` (for example `binary|add|2,3|3|2,3`). Two calls with equal keys share one
 *   compiled kernel; nothing else about the call may differ but the argument values.
 * - Every kernel is built `pipeline: true, immutable: true, precision: 'single', tactic: 'precision'`, so each call
 *   returns a new texture (a typed array in webasm/cpu modes) that the returned handle owns; the tensor-core
 *   Storage that wraps the handle releases it (`dispose()`, or the FinalizationRegistry net).
 * - `size` is the output length; unless `build()` says `dynamicOutput`, the key must name it. 0 returns an empty
 *   handle without compiling anything.
 *   A size over the texture limit throws {@link TextureLimitError}; a lost context throws {@link GpuContextLostError}.
 * - The cache holds the 256 most recently used programs ({@link setProgramCacheCapacity}); an evicted program is
 *   compiled again when needed, and its gpu.js kernel is destroyed once no tensor holds a texture it made (gpu.js
 *   reads and frees a texture through the kernel that made it). {@link compileCount} counts compilations.
 * - `op` names the public op in error messages.
 *
 * @example
 * ```ts
 * const x = tensor([1, 2, 3], undefined, { backend: 'gpu' });
 * const handle = runProgram('addOne', 'addOne|3', () => ({ source: 'function (a) { return a[this.thread.x] + 1; }' }), 3, [x.handle as GpuFloat]);
 * console.assert(getBackend('gpu').readSync(handle, 'float32', 3)[2] === 4);
 * ```
 */
export function runProgram(op: string, key: string, build: () => ProgramSource, size: number, args: readonly ProgramArg[]): GpuFloat {
  const rt = runtime(op);
  checkSize(rt, op, size);
  if (size === 0) return new GpuFloat(0, rt.id, new Float32Array(0), undefined);
  const inputs = args.map((a) => argData(op, rt, a));
  const handle = new GpuFloat(size, rt.id, undefined, undefined);
  adopt(rt, handle, launch(op, rt, key, build, size, inputs));
  return handle;
}

/**
 * A kernel input for a tensor of any stored dtype: a float32 tensor's handle as is; an int32 or bool tensor (kept on
 * the host) converted to a `Float32Array`, exact for integers up to 2^24 in magnitude (gather indices, a `where`
 * condition). Read it in the source like any float input and compare with a tolerance-free `==` only below 2^24.
 *
 * @example
 * ```ts
 * const cond = kernelInput(condInfo); // Float32Array of 0 and 1 for a bool tensor
 * ```
 */
export function kernelInput(x: TensorInfo): GpuFloat | Float32Array {
  if (x.dtype === 'float32') return x.handle as GpuFloat;
  return Float32Array.from(x.handle as ArrayLike<number>);
}

/**
 * How many programs have been compiled since the package loaded (cache misses, across every `initGpu`). A test runs an
 * op twice with the same shapes and checks the count did not move the second time.
 *
 * @example
 * ```ts
 * const before = compileCount();
 * add(a, b); // same shapes as an earlier call
 * console.assert(compileCount() === before);
 * ```
 */
export function compileCount(): number {
  return programs.compiles;
}

/**
 * Programs held in the cache now.
 *
 * @example
 * ```ts
 * console.assert(programCacheSize() <= 256);
 * ```
 */
export function programCacheSize(): number {
  return programs.cache.size;
}

/**
 * Sets how many compiled programs the cache keeps (default 256); the least recently used beyond that are destroyed.
 *
 * @example
 * ```ts
 * setProgramCacheCapacity(64); // a page that compiles many shapes but wants fewer GL programs alive
 * ```
 */
export function setProgramCacheCapacity(capacity: number): void {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new InvalidArgumentError(`setProgramCacheCapacity: argument 'capacity' must be a positive integer; received ${String(capacity)}`);
  }
  programs.capacity = capacity;
  while (programs.cache.size > capacity) {
    const [oldest, evicted] = programs.cache.entries().next().value as [string, Cached];
    programs.cache.delete(oldest);
    evict(evicted);
  }
}

/**
 * A float32 copy of a float32 handle (one cached identity program for every size).
 *
 * @example
 * ```ts
 * const copy = copyFloat('cast', x.handle as GpuFloat);
 * ```
 */
export function copyFloat(op: string, x: GpuFloat): GpuFloat {
  return runProgram(op, 'copy', () => COPY, x.size, [x]);
}

/** Internal: destroys every cached program (before the runtime they were built on goes away). */
export function clearPrograms(): void {
  for (const entry of programs.cache.values()) destroy(entry);
  programs.cache.clear();
}
