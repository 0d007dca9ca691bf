// The playground's one route table: every view registers its hash route (`#/train`) here, one line each.
import type { Component } from 'svelte';

/** One view of the playground and its hash route. */
export interface RouteEntry {
  /** The hash path, e.g. `/train` for `#/train`; `/` is the home page. */
  readonly path: `/${string}`;
  /** The label in the navigation bar. */
  readonly title: string;
  /** One sentence for the home page's list of views. */
  readonly summary: string;
  /** Loads the view's component (each view is its own chunk, so the first paint loads only the view shown). */
  readonly load: () => Promise<{ default: Component }>;
}

/**
 * Every view, in navigation order. Add your view's line in your section only (it keeps merges clean).
 *
 * @example
 * ```ts
 * const entry = ROUTES.find((r) => r.path === '/');
 * ```
 */
export const ROUTES: readonly RouteEntry[] = [
  { path: '/', title: 'Home', summary: 'What the playground shows, and what this browser gives it.', load: () => import('./views/Home.svelte') },
  // pg-explain: step-through, gradient flow, gradcheck
  {
    path: '/step',
    title: 'Step-through',
    summary: '“cat sat here”: RNN, LSTM and GRU step by step, with a gradcheck.',
    load: () => import('./views/StepThrough.svelte'),
  },
  {
    path: '/gradients',
    title: 'Gradient flow',
    summary: 'Measured ‖∂L/∂h_k‖ through time, RNN to Transformer.',
    load: () => import('./views/GradientFlow.svelte'),
  },

  // pg-shell: live training, race
  {
    path: '/train',
    title: 'Train',
    summary: 'Train a character model live in a Web Worker: loss, baselines, samples, copy as CLI command, checkpoints.',
    load: () => import('./views/Train.svelte'),
  },
  {
    path: '/race',
    title: 'Race',
    summary: 'An LSTM and a Transformer learn the same text side by side: loss against wall-clock time.',
    load: () => import('./views/Race.svelte'),
  },

  // pg-attn: attention views, RNN state views, bench
  {
    path: '/attention',
    title: 'Attention',
    summary: 'Head view, layers × heads, the causal mask, q·k/√d → softmax, and seq2seq cross-attention.',
    load: () => import('./views/Attention.svelte'),
  },
  {
    path: '/states',
    title: 'LSTM states',
    summary: 'Hidden and cell states over the text, and LSTMVis-style span selection.',
    load: () => import('./views/States.svelte'),
  },
  {
    path: '/bench',
    title: 'Bench',
    summary: 'Matmul GFLOP/s and LSTM training tokens/s on this machine, per backend.',
    load: () => import('./views/Bench.svelte'),
  },
];

/**
 * The route for `path`, or undefined when no view has it.
 *
 * @example
 * ```ts
 * findRoute('/')?.title; // "Home"
 * ```
 */
export function findRoute(path: string): RouteEntry | undefined {
  return ROUTES.find((r) => r.path === path);
}
