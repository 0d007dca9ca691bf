// The current hash route as reactive state, and the one way views write their state into the URL.
import { formatHash, parseHash } from './hash.js';

function current(): { path: string; query: string } {
  const { path, query } = parseHash(location.hash);
  return { path, query: query.toString() };
}

/** The current route (reactive): the view's path and its query string. Updated on every `hashchange`. */
export const route = $state(current());

addEventListener('hashchange', () => Object.assign(route, current()));

/**
 * Replaces the current view's query in the URL without adding a history entry or reloading, so a view's state is
 * always shareable by copying the address.
 *
 * @example
 * ```ts
 * setQuery(new URLSearchParams({ task: 'copy', seed: '7' }));
 * ```
 */
export function setQuery(query: URLSearchParams): void {
  const hash = formatHash(route.path, query);
  if (hash === location.hash) return;
  history.replaceState(history.state, '', hash);
  route.query = query.toString();
}
