// Writing kernel-benchmark results: the JSON record and a Markdown table per case family.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const contenderKey = (r) => `${r.library} ${r.backend}${r.backend === 'wasm' && r.library === 'seqlab' ? ` ×${r.threads}` : ''}`;

/** Markdown tables: one row per case and size, one column per contender, and seqlab's best over TensorFlow.js. */
export function renderMarkdown(report) {
  const { environment, results } = report;
  const lines = [
    '# Kernel benchmark',
    '',
    `${environment.cpu} (${environment.cores} cores), Node ${environment.node}, ${environment.date}. Medians after warm-up; runs interleaved across contenders.`,
    '',
  ];
  const families = [...new Set(results.map((r) => (r.gflops !== undefined ? 'gflops' : 'tokensPerSec')))];
  for (const metric of families) {
    const rows = results.filter((r) => r[metric] !== undefined);
    const contenders = [...new Set(rows.map(contenderKey))];
    const unit = metric === 'gflops' ? 'GFLOP/s' : 'tokens/s';
    lines.push(`| case | size | ${contenders.join(' | ')} | seqlab best / tfjs |`, `|---|---:|${contenders.map(() => '---:').join('|')}|---:|`);
    const keys = [...new Set(rows.map((r) => `${r.case}\u0000${r.size}`))];
    for (const key of keys) {
      const [name, size] = key.split('\u0000');
      const cells = rows.filter((r) => r.case === name && String(r.size) === size);
      const value = (c) => cells.find((r) => contenderKey(r) === c)?.[metric];
      const best = Math.max(...cells.filter((r) => r.library === 'seqlab').map((r) => r[metric]));
      const tf = cells.find((r) => r.library === 'tfjs')?.[metric];
      lines.push(`| ${name} | ${size} | ${contenders.map((c) => (value(c) === undefined ? '–' : value(c).toFixed(1))).join(' | ')} | ${tf ? `${(best / tf).toFixed(1)}×` : '–'} |`);
    }
    lines.push('', `Values in ${unit}.`, '');
  }
  return lines.join('\n');
}

/** Writes `kernels.json` and `kernels.md` under `dir`; returns their paths. */
export function writeReport(report, dir) {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'kernels.json'), md = join(dir, 'kernels.md');
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(md, renderMarkdown(report));
  return { json, md };
}
