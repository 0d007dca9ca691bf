// Hash routes: `#/train?task=copy&seed=7` parsed into a path and its query, and written back.

/** A parsed hash route: the view's path and its query parameters. */
export interface HashRoute {
  /** The view's path, always starting with `/` (`/` for the home page). */
  readonly path: string;
  /** The query after `?`, in the order written. */
  readonly query: URLSearchParams;
}

/**
 * Parses a `location.hash` (`#/train?task=copy`) into its path and query; an empty hash is the home page.
 *
 * @example
 * ```ts
 * const { path, query } = parseHash('#/train?task=copy');
 * console.log(path, query.get('task')); // "/train" "copy"
 * ```
 */
export function parseHash(hash: string): HashRoute {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  const at = body.indexOf('?');
  const rawPath = at < 0 ? body : body.slice(0, at);
  const path = rawPath === '' ? '/' : rawPath.startsWith('/') ? rawPath : `/${rawPath}`;
  return { path, query: new URLSearchParams(at < 0 ? '' : body.slice(at + 1)) };
}

/**
 * Writes a path and query as a hash (`#/train?task=copy`); an empty query leaves out the `?`.
 *
 * @example
 * ```ts
 * formatHash('/train', new URLSearchParams({ task: 'copy' })); // "#/train?task=copy"
 * ```
 */
export function formatHash(path: string, query: URLSearchParams = new URLSearchParams()): string {
  const text = query.toString();
  return `#${path}${text === '' ? '' : `?${text}`}`;
}
