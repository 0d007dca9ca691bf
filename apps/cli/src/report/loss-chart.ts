// Validation loss against training time for several runs, as an SVG rendered headlessly by Vega-Lite.
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** One measured point of a run's validation curve. */
export interface LossPoint {
  /** Training seconds (excluding validation) when the loss was measured. */
  readonly seconds: number;
  /** Validation loss in nats per character. */
  readonly loss: number;
}

/** A named curve for {@link renderLossChart}. */
export interface LossSeries {
  /** Legend label, e.g. `LSTM`. */
  readonly name: string;
  /** Points in time order. */
  readonly points: readonly LossPoint[];
}

/** The Vega-Lite specification of the chart (exported so tests and users can inspect or restyle it). */
export function lossChartSpec(series: readonly LossSeries[], title: string): TopLevelSpec {
  const values = series.flatMap((s) => s.points.map((p) => ({ model: s.name, seconds: p.seconds, loss: p.loss })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 560,
    height: 320,
    background: 'white',
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'seconds', type: 'quantitative', title: 'training time (s)' },
      y: { field: 'loss', type: 'quantitative', title: 'validation loss (nats per character)', scale: { zero: false } },
      color: { field: 'model', type: 'nominal', title: 'model' },
    },
  };
}

/** Renders the validation curves of `series` as a standalone SVG document (no browser, no canvas). */
export async function renderLossChart(series: readonly LossSeries[], title: string): Promise<string> {
  const view = new View(parse(compile(lossChartSpec(series, title)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
