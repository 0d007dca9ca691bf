// The experiments' charts: a line-style (strokeDash) legend draws each entry as a visible dashed stroke.
import { describe, expect, it } from 'vitest';
import { lineChart, renderSvg } from '../src/index.js';

describe('lineChart', () => {
  it('gives every entry of the line-style legend a stroke, each with its own dash pattern', async () => {
    const data = [
      { T: 1, ms: 1, model: 'RNN', run: 'plain' },
      { T: 2, ms: 2, model: 'RNN', run: 'plain' },
      { T: 1, ms: 2, model: 'RNN', run: 'other' },
      { T: 2, ms: 3, model: 'RNN', run: 'other' },
    ];
    const svg = await renderSvg(
      lineChart({ title: 'legend', data, x: { field: 'T', title: 'T' }, y: { field: 'ms', title: 'ms' }, series: 'model', dash: 'run' }),
    );
    const dashSymbols = [...svg.matchAll(/role-legend-symbol[^>]*><path [^>]*stroke-dasharray="([^"]+)"[^>]*>/g)];
    expect(dashSymbols).toHaveLength(2);
    for (const [path] of dashSymbols) expect(path).toMatch(/ stroke="#333333"/);
    expect(new Set(dashSymbols.map((m) => m[1])).size).toBe(2);
  });
});
