// The browser benchmark's contenders, set up inside the page: seqlab gpu (gpu.js WebGL2), seqlab wasm (threads when
// the page is cross-origin isolated) and TensorFlow.js's WebGL backend, each with a readback that waits for its queue.
import { backendInfo, initGpu } from '@seqlab/kernels-gpu';
import { getThreads, ready, setThreads, wasmBuildInfo, wasmThreadInfo } from '@seqlab/kernels-wasm';
import { slice, type Tensor } from '@seqlab/tensor-core';
import type { Contender } from '../kernel-bench/contender.js';
import { seqlabContender } from '../kernel-bench/seqlab-contenders.js';
import { tfjsContender } from '../kernel-bench/tfjs-contender.js';
import type { TF } from '../kernel-bench/tfjs-training.js';
import { renderingOf } from './renderer.js';
import type { BrowserContenderName, PageContenderInfo, RowRendering } from './settings.js';

/** A contender in the page: the kernel benchmark's contender plus its identity, facts and a synchronising readback. */
export interface PageContender extends Contender {
  /** Which contender. */
  readonly name: BrowserContenderName;
  /** Library facts for the report. */
  readonly info: Record<string, unknown>;
  /** Where its work runs. */
  readonly rendering: RowRendering;
  /**
   * Reads one element of the 2-D tensor `t` back synchronously: the GPU contenders queue work, and this returns only
   * once everything queued before it (the product `t` included) has run.
   */
  sync(t: unknown): void;
}

/** A contender, or why it could not be set up. */
export type PageContenderOutcome = PageContender | PageContenderInfo;

function errorText(e: unknown): string {
  return (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).split('\n')[0];
}

/** Reads `[0, 0]` of a seqlab matrix through a 1×1 slice (a kernel queued after the product, then one readback). */
function seqlabSync(t: unknown): void {
  const corner = slice(t as Tensor, [0, 0], [1, 1]);
  corner.item();
  corner.dispose();
}

/** The WebGL renderer a library's own context reports. */
export function rendererOf(gl: WebGLRenderingContext | WebGL2RenderingContext | undefined): string | undefined {
  if (gl === undefined) return undefined;
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(ext === null ? gl.RENDERER : ext.UNMASKED_RENDERER_WEBGL));
}

/**
 * seqlab's gpu backend as `initGpu()` starts it in a page (gpu.js WebGL2 through OffscreenCanvas or a canvas): its
 * rows are GPU rows only when the renderer is a GPU, and CPU rows if gpu.js fell back to a CPU mode.
 */
export async function seqlabGpuContender(): Promise<PageContenderOutcome> {
  try {
    await initGpu();
    const { mode, kernelMode, renderer, software, maxTextureSize } = backendInfo();
    const rendering: RowRendering = mode === 'webasm' || mode === 'cpu' ? 'cpu' : renderingOf(renderer) === 'gpu' && !software ? 'gpu' : 'software';
    const base = seqlabContender('gpu', 1, true, () => {});
    return { ...base, name: 'seqlab-gpu', info: { mode, kernelMode, renderer, software, maxTextureSize }, rendering, sync: seqlabSync };
  } catch (e) {
    return { name: 'seqlab-gpu', label: 'seqlab gpu', threads: 1, info: {}, error: errorText(e) };
  }
}

/** seqlab's wasm backend at its default thread count (at least two), as in `bench:kernels`. */
export async function seqlabWasmContender(): Promise<PageContenderOutcome> {
  try {
    const threads = Math.max(2, getThreads());
    setThreads(threads);
    await ready();
    const info = wasmThreadInfo();
    const base = seqlabContender('wasm', info.threads, true, () => setThreads(threads));
    // The kernel build too: browsers with relaxed SIMD run the fused multiply-add build.
    return { ...base, name: 'seqlab-wasm', info: { ...info, build: wasmBuildInfo().build }, rendering: 'cpu', sync: seqlabSync };
  } catch (e) {
    return { name: 'seqlab-wasm', label: 'seqlab wasm', threads: 0, info: {}, error: errorText(e) };
  }
}

/** TensorFlow.js's WebGL backend (software WebGL allowed, so the run completes on SwiftShader too). */
export async function tfjsWebglContender(): Promise<PageContenderOutcome> {
  try {
    const tf: TF = await import('@tensorflow/tfjs');
    const webgl: TF = await import('@tensorflow/tfjs-backend-webgl');
    // TF.js refuses software WebGL outside tests (failIfMajorPerformanceCaveat); the renderer string labels the rows instead.
    tf.env().set('SOFTWARE_WEBGL_ENABLED', true);
    if (!(await tf.setBackend('webgl'))) throw new Error('tf.setBackend("webgl") returned false: no WebGL context');
    await tf.ready();
    const env = tf.env();
    const renderer = rendererOf(tf.backend().gpgpu?.gl);
    const rendering = renderingOf(renderer);
    if (rendering === 'none') throw new Error('TF.js webgl reports no renderer');
    const info = {
      version: tf.version.tfjs as string,
      webglVersion: webgl.version_webgl as string,
      renderer,
      flags: Object.fromEntries(['WEBGL_VERSION', 'WEBGL_PACK', 'WEBGL_RENDER_FLOAT32_ENABLED', 'WEBGL_CPU_FORWARD'].map((f) => [f, env.get(f)])),
    };
    const base = tfjsContender(tf, 'webgl', 1, true);
    const sync = (t: unknown): void => {
      const corner = tf.slice(t, [0, 0], [1, 1]);
      corner.dataSync();
      corner.dispose();
    };
    return { ...base, name: 'tfjs-webgl', info, rendering, sync };
  } catch (e) {
    return { name: 'tfjs-webgl', label: 'tfjs webgl', threads: 1, info: {}, error: errorText(e) };
  }
}
