// `pnpm --filter @seqlab/bench bench:browser`: seqlab gpu, seqlab wasm and TF.js WebGL side by side in headless
// Chromium; writes browser.json and browser.md (browser-gpu.* with --gpu). Usage in browser-bench/cli-options.ts.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BROWSER_BENCH_USAGE, parseBrowserBenchArgs, type BrowserBenchArgs } from './browser-bench/cli-options.js';
import { renderBrowserMarkdown, writeBrowserReport } from './browser-bench/report.js';
import { runBrowserBenchmark } from './browser-bench/runner.js';

// Progress goes to stderr so that `--json` leaves stdout as one JSON object.
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const failure = (e: unknown): string => {
  const message = e instanceof Error ? e.message : String(e);
  return message.startsWith('bench:browser') ? message : `bench:browser: ${message}`;
};

let args: BrowserBenchArgs;
try {
  args = parseBrowserBenchArgs(process.argv.slice(2));
} catch (e) {
  log(`${failure(e)}\n\n${BROWSER_BENCH_USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(BROWSER_BENCH_USAGE);
  process.exit(0);
}

// This file is built to packages/bench/node_modules/.cache/bench-browser/: the default folder is the package's bench-results.
const out = args.out ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../bench-results');
try {
  const report = await runBrowserBenchmark({ config: args.config, mode: args.mode, angle: args.angle, timeoutMs: args.timeoutMs, log });
  const files = writeBrowserReport(report, out);
  const { webgl, rendering } = report.environment;
  log(`renderer: ${'error' in webgl ? `none (${webgl.error})` : webgl.renderer} -> ${rendering === 'software' ? 'software rendering' : rendering}`);
  if (args.json) console.log(JSON.stringify(report));
  else {
    console.log(renderBrowserMarkdown(report));
    log(`wrote ${files.json} and ${files.markdown}`);
  }
  if (args.mode === 'gpu' && rendering !== 'gpu') {
    log(
      `bench:browser --gpu: the renderer is ${rendering === 'software' ? 'a software rasterizer' : 'missing'}, not a GPU; its rows are labelled so and are not GPU rows`,
    );
    process.exitCode = 3;
  }
} catch (e) {
  log(failure(e));
  process.exitCode = 1;
}
