// What this browser gives the playground: cross-origin isolation (so wasm threads) and its logical cores.

/** The browser features that decide how the wasm backend runs here. */
export interface BrowserEnvironment {
  /** Whether the page is cross-origin isolated (COOP/COEP sent), which shared wasm memory and threads need. */
  readonly crossOriginIsolated: boolean;
  /** Logical cores the browser reports (`navigator.hardwareConcurrency`), or 1 when it does not say. */
  readonly cores: number;
  /** Whether Web Workers exist (training runs in one). */
  readonly workers: boolean;
}

/**
 * Reads {@link BrowserEnvironment} from a global scope (the page's or a worker's).
 *
 * @example
 * ```ts
 * const env = browserEnvironment(globalThis);
 * console.log(env.crossOriginIsolated ? `${env.cores} cores` : 'one thread');
 * ```
 */
export function browserEnvironment(scope: typeof globalThis): BrowserEnvironment {
  const nav = (scope as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return {
    crossOriginIsolated: (scope as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    cores: Math.max(1, nav?.hardwareConcurrency ?? 1),
    workers: typeof (scope as { Worker?: unknown }).Worker === 'function',
  };
}
