// Type-checks every guide block and every TSDoc @example of the packages (tsc over extracted files), and runs the
// @examples that type-check on their own and touch no files, threads or network.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiExamples, EXAMPLES_DIR, exportedNames, guidePages, PACKAGES, ROOT, runCapturingAsserts, writeApiModule, writeGuideModules } from './extract.js';
/** Errors that only say an example uses names its surrounding text defines (`x`, `model`, ...): a fragment. */
const FRAGMENT_CODES = new Set(['TS2304', 'TS2552', 'TS18004']);
/** Examples that type-check but are not run: they read or write files, start threads or benchmarks, or need onnxruntime. */
const SIDE_EFFECTS = /'[\w./-]+\.(safetensors|txt|onnx|json)'|bench-results|runKernelBenchmark|removeStaleTempFiles|setThreads|ort\.|await import\(/;

const api = apiExamples(PACKAGES);
rmSync(join(EXAMPLES_DIR, 'api'), { recursive: true, force: true });
const exports = new Map(PACKAGES.map((p) => [p, exportedNames(p)]));
const apiFiles = api.map((example, i) => writeApiModule(example, i, exports, PACKAGES));
const guideFiles = guidePages().flatMap((page) => {
  const { run, typeOnly } = writeGuideModules(page);
  return [...(run === null ? [] : [run]), ...typeOnly];
});

/** tsc's diagnostics, by file relative to {@link EXAMPLES_DIR}. */
const diagnostics = new Map<string, string[]>();

beforeAll(() => {
  // Against the built declarations, as a user of the published packages sees them.
  const tsconfig = {
    extends: relative(EXAMPLES_DIR, join(ROOT, 'tsconfig.base.json')),
    compilerOptions: {
      noEmit: true,
      declaration: false,
      sourceMap: false,
      baseUrl: relative(EXAMPLES_DIR, ROOT),
      paths: { '@seqlab/*': ['packages/*/dist/index.d.ts'], 'onnxruntime-node': ['packages/onnx/node_modules/onnxruntime-node'] },
    },
    include: ['**/*.ts'],
  };
  writeFileSync(join(EXAMPLES_DIR, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  let out = '';
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', EXAMPLES_DIR], { cwd: EXAMPLES_DIR, encoding: 'utf8' });
  } catch (error) {
    out = String((error as { stdout?: string }).stdout ?? error);
  }
  for (const line of out.split('\n')) {
    const m = /^([^(\s]+\.ts)\(\d+,\d+\): error (TS\d+): (.*)$/.exec(line);
    if (m) diagnostics.set(m[1], [...(diagnostics.get(m[1]) ?? []), `${m[2]} ${m[3]}`]);
  }
}, 120_000);

const rel = (file: string) => relative(EXAMPLES_DIR, file);

describe('code in the docs type-checks', () => {
  it('every guide block, no-run blocks included', () => {
    expect(guideFiles.length).toBeGreaterThan(15);
    expect(
      Object.fromEntries(
        guideFiles
          .map(rel)
          .filter((f) => diagnostics.has(f))
          .map((f) => [f, diagnostics.get(f)]),
      ),
    ).toEqual({});
  });

  it('every API @example, where fragments may only lack names their context defines', () => {
    expect(api.length).toBeGreaterThan(100);
    const wrong = apiFiles.map(rel).flatMap((f) => (diagnostics.get(f) ?? []).filter((d) => !FRAGMENT_CODES.has(d.split(' ')[0])).map((d) => `${f}: ${d}`));
    expect(wrong).toEqual([]);
  });
});

describe('self-contained API @examples run', () => {
  api.forEach((example, i) => {
    const file = apiFiles[i];
    // Whether an example is self-contained is known only after tsc, so the decision is made inside the test.
    it(`${example.file}:${example.line}`, async (ctx) => {
      if (diagnostics.has(rel(file)) || SIDE_EFFECTS.test(example.code)) ctx.skip();
      expect(await runCapturingAsserts(file)).toEqual([]);
    });
  });
});
