// Starting the gpu backend: picking the gpu.js mode, the WebGL2 context, the float32 precision probe, backendInfo().
import { GPU } from 'gpu.js';
import { InvalidArgumentError, registerBackend, type Backend } from '@seqlab/tensor-core';
import { gpuBackend } from './backend.js';
import { currentRuntime, GPU_MODES, isLost, nextRuntimeId, runtime, setDefaultStart, setRuntime, type GpuMode, type GpuRuntime } from './context.js';
import { GpuUnavailableError } from './errors.js';
import { clearPrograms, runProgram } from './program.js';
import { gpuState } from './shared.js';
import { readFloat, releaseFloat, GpuFloat } from './storage.js';
import { elementwiseKernels } from './kernels/elementwise.js';

/** The largest element count float32 index math addresses exactly. */
const EXACT_INDEX_LIMIT = 2 ** 24;

/**
 * What the start-up probe measured (TF.js style): whether float32 render targets exist, what a float32 render of
 * 1e-8 read back as (0 when floats are half precision or flushed), and the backend's tanh of +100 and −100.
 *
 * @example
 * ```ts
 * const { floatRender } = backendInfo().probe;
 * console.assert(floatRender > 0);
 * ```
 */
export interface PrecisionProbe {
  /** `EXT_color_buffer_float` is available (always true in webasm and cpu modes, which have no render targets). */
  colorBufferFloat: boolean;
  /** abs(1e-8) rendered to a float32 texture and read back; must be > 0. */
  floatRender: number;
  /** The backend's tanh of [+100, −100]; must be finite (±1). */
  tanh100: readonly [number, number];
}

/**
 * Options of {@link initGpu}.
 *
 * @example
 * ```ts
 * const options: GpuOptions = { mode: 'webasm' }; // gpu.js's WebAssembly mode, for correctness tests in Node
 * await initGpu(options);
 * ```
 */
export interface GpuOptions {
  /** `auto` (default): webgl2 in browsers and Workers, headlessgl in Node with `gl` installed, else webasm. */
  mode?: 'auto' | GpuMode;
  /**
   * Lowers MAX_TEXTURE_SIZE as the backend sees it (the element limit becomes its square, at most 2^24): for tests of
   * the size limit, or to leave headroom on a GPU that reports more than it holds.
   */
  maxTextureSize?: number;
  /**
   * A test hook that rewrites the probe's measurements before they are judged, to simulate a GPU without float
   * textures: `probe: (m) => ({ ...m, colorBufferFloat: false })` makes `initGpu` throw {@link GpuUnavailableError}.
   */
  probe?: (measured: PrecisionProbe) => PrecisionProbe;
}

/**
 * What the gpu backend runs on: the mode, gpu.js's kernel class mode, the renderer, whether it is software, the
 * texture limits and the start-up probe. Software renderers (SwiftShader, llvmpipe) and the webasm/cpu modes run on
 * the CPU: never report their timings as GPU timings.
 *
 * @example
 * ```ts
 * const info: GpuBackendInfo = backendInfo();
 * if (info.software) console.log(`gpu backend on ${info.renderer}: software, not a GPU`);
 * ```
 */
export interface GpuBackendInfo {
  /** The gpu.js mode: webgl2, headlessgl, webasm or cpu. */
  mode: GpuMode;
  /** `kernel.constructor.mode` of the kernels gpu.js built: `gpu` for WebGL kernels, `webasm`, or `cpu`. */
  kernelMode: string;
  /** WEBGL_debug_renderer_info's UNMASKED_RENDERER_WEBGL where available, else RENDERER, else the CPU mode's name. */
  renderer: string;
  /** True for /SwiftShader|llvmpipe|software/i renderers and for the webasm and cpu modes. */
  software: boolean;
  /** MAX_TEXTURE_SIZE (after `initGpu({ maxTextureSize })`); undefined in webasm and cpu modes. */
  maxTextureSize: number | undefined;
  /** The largest element count of one gpu tensor: min(MAX_TEXTURE_SIZE², 2^24). */
  maxElements: number;
  /** Textures held by live tensors (not counting the one output texture each cached program keeps). */
  textures: number;
  /** GPU bytes of those textures: texels × 16 (RGBA32F, four values per texel, padded to a near-square). */
  textureBytes: number;
  /** What the start-up probe measured. */
  probe: PrecisionProbe;
}

const boot = gpuState.claim('boot', { warned: false, probe: undefined as PrecisionProbe | undefined, lostListeners: 0 });

function inBrowser(): boolean {
  return typeof OffscreenCanvas !== 'undefined' || typeof document !== 'undefined';
}

function autoMode(): GpuMode {
  if (inBrowser() && GPU.isWebGL2Supported) return 'webgl2';
  if (GPU.isHeadlessGLSupported) return 'headlessgl';
  return 'webasm';
}

function makeCanvas(): HTMLCanvasElement | OffscreenCanvas {
  return typeof document !== 'undefined' ? document.createElement('canvas') : new OffscreenCanvas(1, 1);
}

function rendererOf(gl: WebGL2RenderingContext): string {
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const name = debug ? gl.getParameter(debug.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
  return String(name);
}

function createGpu(mode: GpuMode): { gpu: GPU; gl: WebGL2RenderingContext | undefined; canvas: HTMLCanvasElement | OffscreenCanvas | undefined } {
  const supported =
    mode === 'webgl2'
      ? inBrowser() && GPU.isWebGL2Supported
      : mode === 'headlessgl'
        ? GPU.isHeadlessGLSupported
        : mode === 'webasm'
          ? GPU.isWebAssemblySupported
          : true;
  if (!supported) {
    throw new GpuUnavailableError(
      `initGpu: gpu.js mode '${mode}' is not available here (${inBrowser() ? 'browser' : 'Node.js'}); use mode 'auto' or the wasm backend`,
      [`mode ${mode}`],
    );
  }
  if (mode === 'webgl2') {
    const canvas = makeCanvas();
    const gl = canvas.getContext('webgl2', { alpha: false, depth: false, antialias: false }) as WebGL2RenderingContext | null;
    if (gl === null) throw new GpuUnavailableError(`initGpu: the canvas gave no WebGL2 context`, ['WebGL2 context']);
    return { gpu: new GPU({ mode: 'webgl2', canvas: canvas as HTMLCanvasElement, context: gl }), gl, canvas };
  }
  return { gpu: new GPU({ mode }), gl: undefined, canvas: undefined };
}

function measure(rt: GpuRuntime): PrecisionProbe {
  const colorBufferFloat = rt.gl === undefined || rt.gl.getExtension('EXT_color_buffer_float') !== null;
  const tiny = runProgram('initGpu', 'probe|abs', () => ({ source: 'function (a) { return Math.abs(a[this.thread.x]); }', dynamicOutput: true }), 1, [
    new Float32Array([1e-8]),
  ]);
  const floatRender = readFloat('initGpu', tiny)[0];
  releaseFloat(tiny);
  // The tanh kernel itself, so the probe tests what ops will run.
  const input = new GpuFloat(2, rt.id, undefined, new Float32Array([100, -100]));
  const tanh = elementwiseKernels.tanh({ handle: input, shape: [2], dtype: 'float32', size: 2 }) as GpuFloat;
  const t = readFloat('initGpu', tanh);
  releaseFloat(tanh);
  releaseFloat(input);
  return { colorBufferFloat, floatRender, tanh100: [t[0], t[1]] };
}

function judge(mode: GpuMode, probe: PrecisionProbe): void {
  const missing: string[] = [];
  if (!probe.colorBufferFloat) missing.push('EXT_color_buffer_float');
  if (!(probe.floatRender > 0)) missing.push('float32 render');
  if (!(Number.isFinite(probe.tanh100[0]) && Number.isFinite(probe.tanh100[1]))) missing.push('finite tanh(±100)');
  if (missing.length === 0) return;
  throw new GpuUnavailableError(
    `initGpu: float32 textures are not usable in mode ${mode}: missing ${missing.join(', ')} ` +
      `(measured EXT_color_buffer_float ${probe.colorBufferFloat}, render of 1e-8 → ${probe.floatRender}, tanh(±100) → ${probe.tanh100.join(', ')}); use the wasm backend`,
    missing,
  );
}

function start(options: GpuOptions = {}): GpuRuntime {
  const requested = options.mode ?? 'auto';
  if (requested !== 'auto' && !GPU_MODES.includes(requested)) {
    throw new InvalidArgumentError(`initGpu: option 'mode' must be 'auto' or one of ${GPU_MODES.join(', ')}; received ${String(requested)}`);
  }
  const cap = options.maxTextureSize;
  if (cap !== undefined && (!Number.isInteger(cap) || cap < 1)) {
    throw new InvalidArgumentError(`initGpu: option 'maxTextureSize' must be a positive integer; received ${String(cap)}`);
  }
  const mode = requested === 'auto' ? autoMode() : requested;
  const previous = currentRuntime();
  if (previous !== undefined) {
    clearPrograms();
    setRuntime(undefined);
    // gpu.js frees the old kernels and loses the old context on the next macrotask; a lost context has nothing to free.
    void Promise.resolve()
      .then(() => previous.gpu.destroy())
      .catch(() => undefined);
  }
  const { gpu, gl, canvas } = createGpu(mode);
  const glMax = gl === undefined ? undefined : (gl.getParameter(gl.MAX_TEXTURE_SIZE) as number);
  const maxTextureSize = glMax === undefined ? undefined : Math.min(glMax, cap ?? glMax);
  const rt: GpuRuntime = {
    gpu,
    mode,
    gl,
    maxTextureSize,
    maxElements: maxTextureSize === undefined ? EXACT_INDEX_LIMIT : Math.min(maxTextureSize * maxTextureSize, EXACT_INDEX_LIMIT),
    kernelMode: '',
    renderer: gl === undefined ? `gpu.js ${mode} mode (CPU)` : rendererOf(gl),
    lost: false,
    id: nextRuntimeId(),
    textures: 0,
    textureBytes: 0,
  };
  canvas?.addEventListener('webglcontextlost', (event) => {
    event.preventDefault();
    rt.lost = true;
  });
  setRuntime(rt);
  try {
    const measured = measure(rt);
    rt.kernelMode = kernelModeOf(gpu);
    if (mode === 'headlessgl' && rt.gl === undefined) attachHeadlessContext(rt);
    const probe = options.probe ? options.probe(measured) : measured;
    judge(mode, probe);
    boot.probe = probe;
  } catch (error) {
    clearPrograms();
    setRuntime(undefined);
    throw error;
  }
  if ((mode === 'webasm' || mode === 'cpu') && !boot.warned) {
    boot.warned = true;
    console.warn(
      `@seqlab/kernels-gpu: gpu.js '${mode}' mode runs on the CPU, for correctness tests only; it is slower than the wasm backend (@seqlab/kernels-wasm)`,
    );
  }
  return rt;
}

function kernelModeOf(gpu: GPU): string {
  const kernels = (gpu as unknown as { kernels: { constructor: { mode?: string } }[] }).kernels;
  return kernels.length > 0 ? String(kernels[kernels.length - 1].constructor.mode) : 'none';
}

// headless-gl makes its context inside gpu.js's first kernel: adopt it for limits, renderer and lost-context checks.
function attachHeadlessContext(rt: GpuRuntime): void {
  const gl = (rt.gpu as unknown as { context?: WebGL2RenderingContext }).context;
  if (gl === undefined) return;
  rt.gl = gl;
  rt.renderer = rendererOf(gl);
  const glMax = gl.getParameter(gl.MAX_TEXTURE_SIZE) as number;
  rt.maxTextureSize = glMax;
  rt.maxElements = Math.min(glMax * glMax, EXACT_INDEX_LIMIT);
}

setDefaultStart(() => start());

/**
 * Starts (or restarts) the gpu backend: picks the gpu.js mode (`auto`: webgl2 in browsers and Workers, headlessgl in
 * Node when the optional `gl` package is installed, else gpu.js's webasm mode, with a one-time console notice that
 * it is for correctness tests and slower than the wasm backend), runs the float32 probe, and resolves to the
 * backend. It registers `gpu` but does not make it active: `setBackend('gpu')` or `{ backend: 'gpu' }` does.
 * Throws {@link GpuUnavailableError} when the mode does not exist here or the probe fails. Calling it again starts a
 * new context; tensors of the old one are gone (using them throws GpuContextLostError). Ops on `gpu` before any
 * `initGpu()` start it with default options.
 *
 * @example
 * ```ts
 * const backend = await initGpu(); // webgl2 in a browser
 * const x = tensor([1, 2, 3], undefined, { backend: 'gpu' });
 * console.log(backendInfo().renderer, add(x, x).dataSync());
 * ```
 */
export async function initGpu(options: GpuOptions = {}): Promise<Backend> {
  start(options);
  registerBackend(gpuBackend);
  return gpuBackend;
}

/**
 * What the gpu backend runs on (starting it with default options if no op or `initGpu` has): see {@link GpuBackendInfo}.
 *
 * @example
 * ```ts
 * const { mode, renderer, software } = backendInfo();
 * console.log(`${mode} on ${renderer}${software ? ' (software)' : ''}`);
 * ```
 */
export function backendInfo(): GpuBackendInfo {
  const rt = runtime('backendInfo');
  return {
    mode: rt.mode,
    kernelMode: rt.kernelMode,
    renderer: rt.renderer,
    software: rt.mode === 'webasm' || rt.mode === 'cpu' || /SwiftShader|llvmpipe|software/i.test(rt.renderer),
    maxTextureSize: rt.maxTextureSize,
    maxElements: rt.maxElements,
    textures: rt.textures,
    textureBytes: rt.textureBytes,
    probe: boot.probe as PrecisionProbe,
  };
}

/**
 * True once the gpu backend's WebGL context is lost (ops and reads then throw GpuContextLostError); false before
 * the backend starts and in modes without GL.
 *
 * @example
 * ```ts
 * if (isContextLost()) await initGpu();
 * ```
 */
export function isContextLost(): boolean {
  const rt = currentRuntime();
  return rt !== undefined && isLost(rt);
}
