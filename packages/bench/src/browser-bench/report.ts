// Writing browser-benchmark results: browser.json, and browser.md with the renderer first, every GPU column labelled
// by where it ran ("software rendering" on SwiftShader), how each library is timed, and the real-GPU targets.
import type { KernelBenchRow } from '../kernel-bench/results.js';
import { contenderKey, metricTable, writeReportFiles, type RatioColumn } from '../kernel-bench/report.js';
import { renderingLabel } from './renderer.js';
import type { BrowserBenchReport, BrowserBenchRow } from './settings.js';

/**
 * How each library is timed, word for word in the report.
 *
 * @example
 * ```ts
 * console.assert(TIMING_METHOD.matmul.includes('one readback'));
 * ```
 */
export const TIMING_METHOD = {
  matmul:
    'Matmul: both operands are uploaded once and stay on the device. A sample queues a chain of products a·b (each product freed once the next ' +
    'is queued) and ends with one readback: a 1×1 slice of the last product read synchronously (seqlab: `slice(…).item()`, TF.js: ' +
    '`tf.slice(…).dataSync()`), which returns only when every queued product has run. GFLOP/s = 2n³ / (median sample ÷ chain length); the chain ' +
    'length is set per contender from a warm-up product so that a sample lasts about the configured target, and the samples run round-robin ' +
    'across contenders. seqlab wasm computes synchronously, so its chain is simply repeated products.',
  training:
    'Training steps: the `bench:kernels` steps (seqlab: Embedding → LSTM → Linear, or one TransformerEncoderLayer → Linear, cross-entropy, ' +
    "backward, Adam; TF.js: tf.layers.lstm or the same block from tf ops, tf.train.adam); every step reads its loss back, so a step's time " +
    'includes all its device work. Steps run round-robin across contenders after the warm-up; tokens/s = batch·T / median seconds.',
} as const;

/** The column heading of a row: its contender, and for GPU contenders where it ran ("software rendering", "GPU"). */
function heading(r: KernelBenchRow): string {
  const row = r as BrowserBenchRow;
  if (row.rendering === 'cpu') return r.library === 'seqlab' && r.backend === 'gpu' ? `${contenderKey(r)} (gpu.js CPU mode)` : contenderKey(r);
  return `${contenderKey(r)} (${renderingLabel(row.rendering)})`;
}

const GPU_OVER_WEBGL: RatioColumn = {
  heading: 'seqlab gpu / tfjs webgl',
  subject: (r) => r.library === 'seqlab' && r.backend === 'gpu',
  reference: (r) => r.library === 'tfjs' && r.backend === 'webgl',
  inverted: false,
};
const GPU_OVER_WASM: RatioColumn = { ...GPU_OVER_WEBGL, heading: 'seqlab gpu / seqlab wasm', reference: (r) => r.library === 'seqlab' && r.backend === 'wasm' };

/** The paragraph under the title: the renderer and what it allows the reader to conclude. */
function rendererLines(report: BrowserBenchReport): string[] {
  const { webgl, rendering, chromium } = report.environment;
  const renderer =
    'error' in webgl
      ? `no WebGL2 (${webgl.error})`
      : `\`${webgl.renderer}\` (vendor \`${webgl.vendor}\`, ${webgl.version}, max texture ${webgl.maxTextureSize})`;
  const lines = [`Renderer: ${renderer}.`];
  if (rendering === 'software') {
    lines.push(
      '',
      '**Software rendering**: WebGL ran on a CPU emulating a GPU. The columns marked "software rendering" measure that emulation; ' +
        'no conclusion about GPU speed is drawn from them, and the real-GPU targets are not judged.',
    );
  } else if (rendering === 'none') {
    lines.push('', '**No WebGL**: the GPU contenders could not run.');
  } else if (chromium.launch === 'gpu') {
    lines.push('', 'Hardware rendering: the columns marked "GPU" ran on the GPU named above.');
  }
  return lines;
}

function contenderLines(report: BrowserBenchReport): string[] {
  return report.environment.contenders.map((c) => {
    const facts = Object.entries(c.info)
      .filter(([, v]) => v !== undefined && typeof v !== 'object')
      .map(([k, v]) => `${k} ${String(v)}`);
    return `- ${c.label}: ${c.error === undefined ? facts.join(', ') || 'ready' : `left out: ${c.error}`}`;
  });
}

/**
 * The Markdown report: browser and renderer, what the rows may be used for, how each library is timed, one table per
 * metric with the gpu/webgl and gpu/wasm ratios, row notes, and the real-GPU targets.
 *
 * @example
 * ```ts
 * const report = await runBrowserBenchmark({ config: QUICK_BROWSER_CONFIG });
 * const md = renderBrowserMarkdown(report);
 * console.assert(md.startsWith('# Browser benchmark'));
 * ```
 */
export function renderBrowserMarkdown(report: BrowserBenchReport): string {
  const { environment: env, settings, results } = report;
  const { lstm, transformer: block } = settings;
  const lines = [
    '# Browser benchmark',
    '',
    `Chromium ${env.chromium.version} (${env.chromium.source}), ${env.chromium.launch === 'gpu' ? 'hardware-rendering launch' : 'SwiftShader launch'}; ` +
      `${env.cpu} (${env.cores} cores), Node ${env.node}, ${env.date}; load average ${env.loadAverage.before.toFixed(2)} before, ` +
      `${env.loadAverage.after.toFixed(2)} after. Page cross-origin isolated: ${env.page.crossOriginIsolated ? 'yes' : 'no'}.`,
    '',
    ...rendererLines(report),
    '',
    'Contenders:',
    '',
    ...contenderLines(report),
    '',
    TIMING_METHOD.matmul,
    '',
    TIMING_METHOD.training,
    '',
    `Settings: ${settings.warmup} warm-up, ${settings.matmulRuns} matmul samples (chain target ${settings.chainTargetMs} ms, at most ${settings.maxChain}), ` +
      `${settings.trainingRuns} training steps, at most ${settings.budgetMs / 1000} s of timed runs per contender and case (then fewer runs, at least 2).`,
    '',
  ];
  const matmul = results.filter((r) => r.gflops !== undefined);
  if (matmul.length > 0) lines.push('## Matmul (GFLOP/s)', '', ...metricTable(matmul, 'gflops', [GPU_OVER_WEBGL, GPU_OVER_WASM], heading), '');
  const training = results.filter((r) => r.tokensPerSec !== undefined);
  if (training.length > 0) {
    lines.push(
      '## Training steps (tokens/s)',
      '',
      `LSTM LM: batch ${lstm.batch}, T ${lstm.length}, embedding ${lstm.embeddingSize}, hidden ${lstm.hiddenSize}, vocabulary ${lstm.vocabSize}. ` +
        `Transformer block: batch ${block.batch}, T ${block.length}, d ${block.dModel}, ${block.heads} heads, feed-forward ${block.ffnWidth}, ` +
        `${block.causal ? 'causal mask' : 'no mask'}, vocabulary ${block.vocabSize}.`,
      '',
      ...metricTable(training, 'tokensPerSec', [GPU_OVER_WEBGL, GPU_OVER_WASM], heading),
      '',
    );
  }
  const chained = results.filter((r) => r.chain !== null && r.gflops !== null);
  if (chained.length > 0) {
    const chains = [...new Set(chained.map((r) => `${heading(r)} ${r.case} ${r.size}: ${r.chain}`))];
    lines.push(`Chain lengths (products per sample): ${chains.join('; ')}.`, '');
  }
  const notes = results.filter((r) => r.note !== null);
  if (notes.length > 0) lines.push('Notes:', '', ...notes.map((r) => `- ${heading(r)}, ${r.case} ${r.size}: ${r.note}`), '');
  lines.push('## Targets (judged on a real GPU only)', '', '| target | measured | met |', '|---|---|---|');
  for (const t of report.targets) lines.push(`| ${t.target} | ${t.measured} | ${t.met === null ? 'not judged' : t.met ? 'met' : 'not met'} |`);
  lines.push('');
  return lines.join('\n');
}

/**
 * Writes `browser.json` and `browser.md` under `dir` (`browser-gpu.*` for a hardware-rendering launch, so a GPU run
 * never overwrites the SwiftShader one); returns their paths.
 *
 * @example
 * ```ts
 * const files = writeBrowserReport(await runBrowserBenchmark({ config: QUICK_BROWSER_CONFIG }), 'bench-results');
 * console.log(files.markdown); // bench-results/browser.md
 * ```
 */
export function writeBrowserReport(report: BrowserBenchReport, dir: string): { json: string; markdown: string } {
  const name = report.environment.chromium.launch === 'gpu' ? 'browser-gpu' : 'browser';
  return writeReportFiles(dir, name, report, renderBrowserMarkdown(report));
}
