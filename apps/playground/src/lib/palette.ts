// Colour-blind-safe colours for every view: Okabe-Ito categories, viridis/cividis ramps, and a diverging scheme.

/**
 * The Okabe-Ito palette (Okabe & Ito 2008), distinguishable under the common colour-vision deficiencies. Black is
 * left out (it is the text colour of the light theme); use the colours in this order for series.
 */
export const CATEGORICAL: readonly string[] = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442'];

/** Observable Plot scheme for magnitudes (heatmaps of activations, attention weights): perceptually uniform. */
export const SEQUENTIAL_SCHEME = 'viridis';

/** Observable Plot scheme for magnitudes where red-green and blue-yellow deficiencies both matter most. */
export const SEQUENTIAL_SCHEME_CVD = 'cividis';

/** Observable Plot scheme for signed values (weights, gradients, tanh outputs) centred on zero. */
export const DIVERGING_SCHEME = 'PuOr';

/**
 * The colour of series `index` (0-based), cycling through {@link CATEGORICAL}.
 *
 * @example
 * ```ts
 * seriesColor(0); // "#0072B2"
 * ```
 */
export function seriesColor(index: number): string {
  return CATEGORICAL[((index % CATEGORICAL.length) + CATEGORICAL.length) % CATEGORICAL.length];
}
