// Light and dark themes: the stored choice, else the system's preference, applied as `data-theme` on <html>.

/** The two themes. */
export type Theme = 'light' | 'dark';

/** The localStorage key that holds the visitor's choice. */
export const THEME_KEY = 'seqlab-playground-theme';

/**
 * The theme to start with: a stored choice when it is valid, else dark when the system prefers it, else light.
 *
 * @example
 * ```ts
 * initialTheme(null, true); // "dark"
 * ```
 */
export function initialTheme(stored: string | null, prefersDark: boolean): Theme {
  if (stored === 'light' || stored === 'dark') return stored;
  return prefersDark ? 'dark' : 'light';
}

/**
 * Applies `theme` to the document and remembers it (storage may be unavailable, as in some private windows).
 *
 * @example
 * ```ts
 * applyTheme('dark');
 * ```
 */
export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  try {
    localStorage.setItem(THEME_KEY, theme);
  } catch {
    // Not remembered: the page still follows the choice until it is closed.
  }
}

/**
 * The theme this page should start with, read from storage and the system preference.
 *
 * @example
 * ```ts
 * applyTheme(startingTheme());
 * ```
 */
export function startingTheme(): Theme {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(THEME_KEY);
  } catch {
    stored = null;
  }
  return initialTheme(stored, matchMedia('(prefers-color-scheme: dark)').matches);
}
