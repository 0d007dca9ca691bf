// SVG charts: Vega-Lite specifications compiled with vega-lite and rendered headlessly by vega's SVG renderer.
// Vega renders SVG in Node without a browser or canvas (text is measured by estimate), and a declarative spec keeps
// each chart a few lines of data description instead of hand-placed shapes.
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { seriesColorScale } from './palette.js';

/** A Vega-Lite specification, as accepted by {@link renderSvg}. */
export type ChartSpec = TopLevelSpec;

/** One row of chart data: field name → value. */
export type ChartRow = Record<string, string | number | null>;

/**
 * Renders a Vega-Lite specification to an SVG document string.
 *
 * @example
 * ```ts
 * const svg = await renderSvg({
 *   data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }] },
 *   mark: 'line',
 *   encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
 * });
 * console.assert(svg.startsWith('<svg'));
 * ```
 */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A quantitative axis of {@link lineChart}. */
export interface AxisOptions {
  /** Data field. */
  field: string;
  /** Axis title. */
  title: string;
  /** Logarithmic scale. Default false. */
  log?: boolean;
}

/** A field that splits a chart into panels. */
export interface PanelField {
  /** Data field. */
  field: string;
  /** Panel header title. Default the field name. */
  title?: string;
  /** Panel order. Default ascending. */
  sort?: string[];
}

/** A labelled horizontal reference line. */
export interface ReferenceLine {
  /** y value. */
  value: number;
  /** Label drawn beside it. */
  label: string;
}

/** An ordinal axis of {@link heatmap}. */
export interface OrdinalAxis {
  /** Data field. */
  field: string;
  /** Axis title. */
  title: string;
  /** Category order. Default: order of appearance. */
  sort?: string[];
}

/** Settings of {@link lineChart}. */
export interface LineChartOptions {
  /** Chart title. */
  title: string;
  /** Rows to plot. */
  data: ChartRow[];
  /** Field on the x axis and its axis title. */
  x: AxisOptions;
  /** Field on the y axis and its axis title. */
  y: AxisOptions & {
    /** Include zero in a linear scale. Default false. */
    zero?: boolean;
    /** A fraction in [0, 1] (an accuracy): the axis spans exactly 0–1, so panels compare and small values are not blown up. */
    fraction?: boolean;
  };
  /** Field naming the series (one coloured line each). */
  series: string;
  /** Optional field splitting the data into side-by-side panels. */
  column?: PanelField;
  /** Optional field splitting the data into stacked panels. */
  row?: PanelField;
  /** Optional field drawn as a dashed line style (e.g. the library). */
  dash?: string;
  /** Horizontal reference lines (e.g. a baseline), each labelled. */
  rules?: ReferenceLine[];
  /** Panel width and height in pixels. Defaults 320 × 220. */
  width?: number;
  /** Panel height in pixels. */
  height?: number;
  /** Whether panels share the y scale. Default true. */
  sharedY?: boolean;
}

/**
 * Legend of a line-style (strokeDash) encoding: a dark stroke per entry. Vega-lite's `symbolStrokeColor` alone leaves
 * the legend's line symbols without a stroke (only a fill, which a line does not have), so the entries showed no line.
 *
 * @example
 * ```ts
 * console.assert(DASH_LEGEND.symbolType === 'stroke' && DASH_LEGEND.encode.symbols.update.stroke.value === '#333333');
 * ```
 */
export const DASH_LEGEND = {
  symbolType: 'stroke',
  symbolSize: 300,
  symbolStrokeWidth: 2,
  encode: { symbols: { update: { stroke: { value: '#333333' } } } },
} as const;

/**
 * A line chart with points, one colour per series, optional log axes, panels and labelled reference lines.
 *
 * @example
 * ```ts
 * const spec = lineChart({
 *   title: 'Step time',
 *   data: [
 *     { T: 10, ms: 1.2, model: 'LSTM' },
 *     { T: 100, ms: 9.8, model: 'LSTM' },
 *     { T: 10, ms: 0.9, model: 'GRU' },
 *     { T: 100, ms: 7.5, model: 'GRU' },
 *   ],
 *   x: { field: 'T', title: 'sequence length', log: true },
 *   y: { field: 'ms', title: 'ms per step' },
 *   series: 'model',
 *   rules: [{ value: 5, label: 'budget' }],
 * });
 * console.assert(JSON.stringify(spec).includes('"type":"log"'));
 * ```
 */
export function lineChart(o: LineChartOptions): ChartSpec {
  // A log axis ends at the data (not at the next power of ten), so a few lengths are not squeezed to one side.
  const xScale = o.x.log ? { type: 'log' as const, nice: false } : { zero: false };
  const yScale = o.y.log ? { type: 'log' as const } : o.y.fraction ? { domain: [0, 1] } : { zero: o.y.zero ?? false };
  const encoding = {
    x: { field: o.x.field, type: 'quantitative' as const, title: o.x.title, scale: xScale },
    y: { field: o.y.field, type: 'quantitative' as const, title: o.y.title, scale: yScale },
    // One colour per model across every chart (the palette module), and a legend for the line style too.
    color: { field: o.series, type: 'nominal' as const, title: o.series, scale: seriesColorScale(o.data.map((r) => r[o.series])) },
    ...(o.dash
      ? {
          strokeDash: {
            field: o.dash,
            type: 'nominal' as const,
            title: o.dash,
            legend: DASH_LEGEND,
          },
        }
      : {}),
  };
  const layers: object[] = [{ mark: { type: 'line', point: true }, encoding }];
  if (o.rules && o.rules.length > 0) {
    layers.push({
      data: { values: o.rules },
      layer: [
        { mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' }, encoding: { y: { field: 'value', type: 'quantitative' } } },
        {
          mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: 'gray', x: 0 },
          encoding: { y: { field: 'value', type: 'quantitative' }, text: { field: 'label', type: 'nominal' } },
        },
      ],
    });
  }
  const inner = { width: o.width ?? 320, height: o.height ?? 220, layer: layers };
  const facet: Record<string, object> = {};
  if (o.column)
    facet.column = { field: o.column.field, type: 'nominal', title: o.column.title ?? o.column.field, ...(o.column.sort ? { sort: o.column.sort } : {}) };
  if (o.row) facet.row = { field: o.row.field, type: 'nominal', title: o.row.title ?? o.row.field, ...(o.row.sort ? { sort: o.row.sort } : {}) };
  const base = { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', title: o.title, data: { values: o.data } };
  if (Object.keys(facet).length === 0) return { ...base, ...inner } as ChartSpec;
  return {
    ...base,
    facet,
    spec: inner,
    resolve: { scale: { y: o.sharedY === false ? 'independent' : 'shared' } },
  } as ChartSpec;
}

/**
 * A learning-curve chart: {@link lineChart} with optimizer steps on the x axis and one line per model.
 *
 * @example
 * ```ts
 * const spec = learningCurves({ title: 'held-out accuracy', data: [{ model: 'LSTM', step: 100, accuracy: 0.5 }], y: { field: 'accuracy', title: 'accuracy', fraction: true } });
 * console.assert(JSON.stringify(spec).includes('optimizer steps'));
 * ```
 */
export function learningCurves(o: Omit<LineChartOptions, 'x' | 'series'> & { series?: string }): ChartSpec {
  return lineChart({ ...o, x: { field: 'step', title: 'optimizer steps' }, series: o.series ?? 'model' });
}

/** Settings of {@link curvesByLength}. */
export interface CurvesByLengthOptions {
  /** Chart title. */
  title: string;
  /** Title of the learning-curve panels. */
  curvesTitle: string;
  /** The metric on the y axis. */
  y: LineChartOptions['y'];
  /** Curve points: `model`, `step`, the metric and `T` (the panel label, e.g. "T = 50"). */
  curves: ChartRow[];
  /** Values after training: `model`, the metric and `T` (the length, a number). */
  finals: ChartRow[];
  /** What T is (e.g. "delay"), for the panel header and the x axis. */
  lengthName: string;
  /** Reference lines on both charts. */
  rules: ReferenceLine[];
}

/**
 * A task experiment's chart: learning curves in one panel per length T, above the values after training against T.
 *
 * @example
 * ```ts
 * const spec = curvesByLength({
 *   title: 'Copy task', curvesTitle: 'learning curves', y: { field: 'accuracy', title: 'accuracy', fraction: true }, lengthName: 'delay',
 *   curves: [{ model: 'GRU', T: 'T = 10', step: 100, accuracy: 0.5 }], finals: [{ model: 'GRU', T: 10, accuracy: 0.5 }], rules: [],
 * });
 * console.assert(JSON.stringify(spec).includes('vconcat'));
 * ```
 */
export function curvesByLength(o: CurvesByLengthOptions): ChartSpec {
  const panels = [...new Set(o.curves.map((r) => String(r.T)))];
  return concatCharts(o.title, [
    learningCurves({
      title: o.curvesTitle,
      data: o.curves,
      y: o.y,
      column: { field: 'T', title: o.lengthName, sort: panels },
      rules: o.rules,
      width: 200,
      height: 160,
    }),
    lineChart({
      title: 'after training, against T',
      data: o.finals,
      x: { field: 'T', title: `${o.lengthName} T`, log: true },
      y: o.y,
      series: 'model',
      rules: o.rules,
    }),
  ]);
}

/** Settings of {@link heatmap}. */
export interface HeatmapOptions {
  /** Chart title. */
  title: string;
  /** Cells: one row per (x, y) pair with a value. */
  data: ChartRow[];
  /** Field on the x axis (ordinal) and its title. */
  x: OrdinalAxis;
  /** Field on the y axis (ordinal) and its title. */
  y: OrdinalAxis;
  /** Field coloured by value and its legend title. */
  value: PanelField;
  /** Optional field splitting the cells into panels (e.g. the head), wrapped after `columns` panels (default 4). */
  facet?: PanelField & {
    /** Panels per row. Default 4. */
    columns?: number;
  };
  /** Cell size in pixels. Default 22. */
  cell?: number;
  /** Colour scheme name. Default `viridis`. */
  scheme?: string;
}

/**
 * A heatmap of rect cells coloured by value, optionally one panel per facet value.
 *
 * @example
 * ```ts
 * const spec = heatmap({
 *   title: 'Attention',
 *   data: [
 *     { query: 'the', key: 'the', weight: 1 },
 *     { query: 'cat', key: 'the', weight: 0.3 },
 *     { query: 'cat', key: 'cat', weight: 0.7 },
 *   ],
 *   x: { field: 'key', title: 'key', sort: ['the', 'cat'] },
 *   y: { field: 'query', title: 'query', sort: ['the', 'cat'] },
 *   value: { field: 'weight', title: 'weight' },
 * });
 * console.assert((spec as { width?: number }).width === 60); // 2 cells of 22 px, at least 60
 * ```
 */
export function heatmap(o: HeatmapOptions): ChartSpec {
  const cell = o.cell ?? 22;
  const xCount = o.x.sort?.length ?? new Set(o.data.map((r) => r[o.x.field])).size;
  const yCount = o.y.sort?.length ?? new Set(o.data.map((r) => r[o.y.field])).size;
  const inner = {
    width: Math.max(60, xCount * cell),
    height: Math.max(60, yCount * cell),
    mark: 'rect',
    encoding: {
      x: { field: o.x.field, type: 'ordinal', title: o.x.title, sort: o.x.sort ?? null },
      y: { field: o.y.field, type: 'ordinal', title: o.y.title, sort: o.y.sort ?? null },
      color: { field: o.value.field, type: 'quantitative', title: o.value.title, scale: { scheme: o.scheme ?? 'viridis' } },
    },
  };
  const base = { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', title: o.title, data: { values: o.data } };
  if (!o.facet) return { ...base, ...inner } as ChartSpec;
  return {
    ...base,
    facet: { field: o.facet.field, type: 'nominal', title: o.facet.title },
    columns: o.facet.columns ?? 4,
    spec: inner,
  } as ChartSpec;
}

/**
 * Places several specifications side by side (or stacked when `direction` is `vertical`) in one SVG.
 *
 * @example
 * ```ts
 * const spec = lineChart({
 *   title: 'Step time',
 *   data: [
 *     { T: 10, ms: 1.2, model: 'LSTM' },
 *     { T: 100, ms: 9.8, model: 'LSTM' },
 *     { T: 10, ms: 0.9, model: 'GRU' },
 *     { T: 100, ms: 7.5, model: 'GRU' },
 *   ],
 *   x: { field: 'T', title: 'sequence length', log: true },
 *   y: { field: 'ms', title: 'ms per step' },
 *   series: 'model',
 *   rules: [{ value: 5, label: 'budget' }],
 * });
 * const both = concatCharts('Step time, linear and log', [spec, { ...spec, title: 'again' }], 'horizontal');
 * console.assert('hconcat' in both);
 * ```
 */
export function concatCharts(title: string, charts: ChartSpec[], direction: 'horizontal' | 'vertical' = 'vertical'): ChartSpec {
  const parts = charts.map((c) => {
    const { $schema: _schema, ...rest } = c as unknown as Record<string, unknown>;
    return rest;
  });
  const key = direction === 'horizontal' ? 'hconcat' : 'vconcat';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    [key]: parts,
    resolve: { scale: { color: 'independent' } },
  } as unknown as ChartSpec;
}
