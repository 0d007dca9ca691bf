// The one palette of the experiment charts: every model (and baseline) has the same colour in every chart.
/**
 * Colour of each model or reference series, by the name the experiments give it.
 *
 * @example
 * ```ts
 * console.assert(SERIES_COLORS.LSTM !== SERIES_COLORS.GRU);
 * ```
 */
export const SERIES_COLORS: Readonly<Record<string, string>> = {
  RNN: '#d62728',
  LSTM: '#1f77b4',
  GRU: '#2ca02c',
  'GRU+attention': '#17becf',
  Transformer: '#9467bd',
  'memoryless baseline': '#7f7f7f',
  'untrained Transformer': '#c5b0d5',
  seqlab: '#1f77b4',
  'TF.js': '#ff7f0e',
};

/** A Vega-Lite colour scale: the series names and their colours, in the same order. */
export interface SeriesColorScale {
  /** Series names. */
  domain: string[];
  /** Their colours. */
  range: string[];
}

/** Colours for names missing from {@link SERIES_COLORS}, in order of appearance. */
const FALLBACK = ['#8c564b', '#e377c2', '#bcbd22', '#ff9896', '#98df8a', '#aec7e8'];

/**
 * The Vega-Lite colour scale for the series names in `names`: the palette's colour for known names, fallback colours
 * (fixed by order) for the rest.
 *
 * @example
 * ```ts
 * const scale = seriesColorScale(['LSTM', 'RNN', 'LSTM']);
 * console.assert(scale.domain.join() === 'LSTM,RNN' && scale.range[0] === SERIES_COLORS.LSTM);
 * ```
 */
export function seriesColorScale(names: readonly (string | number | null)[]): SeriesColorScale {
  const domain = [...new Set(names.filter((n): n is string | number => n !== null).map(String))];
  let next = 0;
  const range = domain.map((name) => SERIES_COLORS[name] ?? FALLBACK[next++ % FALLBACK.length]);
  return { domain, range };
}
