// Learning rates and batch sizes the task experiments take from the papers that set up the tasks, with the citation.
/** A setting taken from the literature. */
export interface LiteratureSetting {
  /** Learning rate. */
  readonly lr: number;
  /** Sequences per batch. */
  readonly batch: number;
  /** Where the numbers come from, and what differs here. */
  readonly source: string;
}

/**
 * The settings of the long-memory tasks.
 *
 * @example
 * ```ts
 * console.assert(LITERATURE_SETTINGS.copy.batch === 20 && LITERATURE_SETTINGS.copy.lr === 1e-3);
 * ```
 */
export const LITERATURE_SETTINGS: Readonly<Record<'copy' | 'adding', LiteratureSetting>> = {
  copy: {
    lr: 1e-3,
    batch: 20,
    source:
      'learning rate 1e-3 and batch size 20, as in Arjovsky, Shah & Bengio, "Unitary Evolution Recurrent Neural Networks", ICML 2016, §4.1 (copying memory problem); Adam (Kingma & Ba 2015) replaces their RMSProp, gradients clipped to norm 1',
  },
  adding: {
    lr: 1e-3,
    batch: 20,
    source:
      'learning rate 1e-3 and batch size 20, as in Arjovsky, Shah & Bengio, "Unitary Evolution Recurrent Neural Networks", ICML 2016, §4.2 (adding problem, after Hochreiter & Schmidhuber 1997); Adam (Kingma & Ba 2015) replaces their RMSProp, gradients clipped to norm 1',
  },
};
