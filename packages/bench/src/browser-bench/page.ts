// The browser benchmark's page script (bundled and served by the runner): reads its settings from
// `globalThis.seqlabBenchConfig`, sets up the contenders, runs the cases and leaves the outcome in `globalThis.seqlabResult`.
import { rendererOf, seqlabGpuContender, seqlabWasmContender, tfjsWebglContender, type PageContender, type PageContenderOutcome } from './page-contenders.js';
import { runPageMatmul, runPageTraining } from './page-suites.js';
import {
  PROGRESS_PREFIX,
  type BrowserBenchConfig,
  type BrowserBenchRow,
  type BrowserContenderName,
  type BrowserPageResult,
  type WebGlInfo,
} from './settings.js';

const log = (line: string): void => console.log(`${PROGRESS_PREFIX}${line}`);

/** The page's own WebGL2 context: the renderer every WebGL library in this browser shares. */
function webglInfo(): WebGlInfo | { error: string } {
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  if (gl === null) return { error: 'no WebGL2 context (WebGL disabled, or no renderer allowed by the launch flags)' };
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const info = {
    renderer: rendererOf(gl) ?? '',
    vendor: String(gl.getParameter(ext === null ? gl.VENDOR : ext.UNMASKED_VENDOR_WEBGL)),
    version: String(gl.getParameter(gl.VERSION)),
    maxTextureSize: Number(gl.getParameter(gl.MAX_TEXTURE_SIZE)),
    floatRenderTarget: gl.getExtension('EXT_color_buffer_float') !== null,
  };
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return info;
}

const SETUP: Record<BrowserContenderName, () => Promise<PageContenderOutcome>> = {
  'seqlab-gpu': seqlabGpuContender,
  'seqlab-wasm': seqlabWasmContender,
  'tfjs-webgl': tfjsWebglContender,
};

function isReady(c: PageContenderOutcome): c is PageContender {
  return !('error' in c && c.error !== undefined);
}

async function run(config: BrowserBenchConfig): Promise<BrowserPageResult> {
  const webgl = webglInfo();
  log('error' in webgl ? `WebGL2: ${webgl.error}` : `renderer: ${webgl.renderer}`);
  const outcomes: PageContenderOutcome[] = [];
  for (const name of config.contenders) {
    const outcome = await SETUP[name]();
    outcomes.push(outcome);
    log(isReady(outcome) ? `${outcome.label}: ready` : `${outcome.label}: left out (${outcome.error})`);
  }
  const contenders = outcomes.filter(isReady);
  const rows: BrowserBenchRow[] = [];
  if (config.cases.includes('matmul')) rows.push(...(await runPageMatmul(contenders, config, log)));
  for (const which of ['lstm', 'transformer'] as const) {
    if (config.cases.includes(which)) rows.push(...(await runPageTraining(contenders, which, config, log)));
  }
  return {
    userAgent: navigator.userAgent,
    crossOriginIsolated: globalThis.crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    webgl,
    contenders: outcomes.map((c) => ({
      name: c.name,
      label: c.label,
      threads: c.threads,
      info: c.info,
      ...(isReady(c) ? { rendering: c.rendering } : { error: c.error }),
    })),
    rows,
  };
}

const page = globalThis as { seqlabBenchConfig?: BrowserBenchConfig; seqlabResult?: Promise<BrowserPageResult | { error: string }> };
page.seqlabResult = (async () => {
  if (page.seqlabBenchConfig === undefined) throw new Error('the page has no seqlabBenchConfig: open it through bench:browser');
  return run(page.seqlabBenchConfig);
})().catch((e: unknown) => ({ error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e) }));
