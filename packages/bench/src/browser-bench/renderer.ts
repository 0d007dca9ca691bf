// Telling a GPU from a software rasterizer by the WebGL renderer string, so that CPU-emulated rows are never called GPU rows.

/** How a renderer string classifies: a GPU, a software rasterizer, or no WebGL at all. */
export type Rendering = 'gpu' | 'software' | 'none';

/**
 * Software rasterizers as they name themselves in `UNMASKED_RENDERER_WEBGL`: SwiftShader (Chromium's, also behind
 * ANGLE's Vulkan back end as "SwiftShader Device"), Mesa's llvmpipe, softpipe and lavapipe, Windows' "Microsoft Basic
 * Render Driver", and anything that calls itself software.
 */
const SOFTWARE = /swiftshader|llvmpipe|softpipe|lavapipe|basic render|software/i;

/**
 * Classifies a WebGL renderer string; an empty or missing one is `none`.
 *
 * @example
 * ```ts
 * console.assert(renderingOf('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)') === 'software');
 * console.assert(renderingOf('ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 (0x00002503) Direct3D11 vs_5_0 ps_5_0, D3D11)') === 'gpu');
 * console.assert(renderingOf(undefined) === 'none');
 * ```
 */
export function renderingOf(renderer: string | undefined): Rendering {
  if (renderer === undefined || renderer.trim() === '') return 'none';
  return SOFTWARE.test(renderer) ? 'software' : 'gpu';
}

/**
 * The words a table puts beside a GPU contender: `software rendering` or `GPU`, or `no WebGL`.
 *
 * @example
 * ```ts
 * console.assert(renderingLabel('software') === 'software rendering');
 * ```
 */
export function renderingLabel(rendering: Rendering): string {
  return rendering === 'software' ? 'software rendering' : rendering === 'gpu' ? 'GPU' : 'no WebGL';
}
