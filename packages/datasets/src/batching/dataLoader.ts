// DataLoader: seeded per-epoch shuffling, batching with dropLast, and collation (padding token sequences by default).
import { InvalidArgumentError, type Generator } from '@seqlab/tensor-core';
import { resolveGenerator, type SeedOptions } from '../seeding.js';
import { checkBoolean, checkNonNegativeInt, checkOptions, checkPositiveInt, describeValue } from '../validate.js';
import { padSequences, type PaddedBatch } from './padding.js';

/** A dataset read by index, for datasets that are computed or loaded lazily. */
export interface IndexedDataset<T> {
  /** Number of items. */
  readonly length: number;
  /** The item at `index`, in `[0, length)`. */
  get(index: number): T;
}

/** Anything indexable: an array, or an {@link IndexedDataset}. */
export type Dataset<T> = readonly T[] | IndexedDataset<T>;

/** Turns the items of one batch into the batch a model consumes. */
export type Collate<T, B> = (items: T[]) => B;

/** What the default collation gives: token sequences are padded; other items come back as an array. */
export type DefaultBatch<T> = T extends ArrayLike<number> ? PaddedBatch : T[];

/** Options of {@link DataLoader}. */
export interface DataLoaderOptions<T, B> extends SeedOptions {
  /** Items per batch. */
  batchSize: number;
  /** Visit items in a fresh seeded order each epoch. Default false (dataset order). */
  shuffle?: boolean;
  /** Leave out the last batch when it is smaller than `batchSize`. Default false. */
  dropLast?: boolean;
  /** Builds a batch from its items. Default: {@link padSequences} for token sequences, the item array otherwise. */
  collate?: Collate<T, B>;
  /** Padding id of the default collation. Default 0. */
  padValue?: number;
  /** Backend of the default collation's tensors; defaults to the active one. */
  backend?: string;
}

/** Where a loader is in its run of epochs; saved with a checkpoint to resume identically. */
export interface DataLoaderState {
  /** Index of the next epoch to run. */
  readonly epoch: number;
}

/**
 * Batches a dataset, epoch after epoch. With `shuffle`, epoch `e` visits the items in a permutation drawn from
 * its own generator (the root generator — from `seed`, from `generator`, else split off `defaultGenerator()` —
 * split `e + 1` times), so the order of every epoch depends only on the seed and `e`: runs with the same seed
 * give identical batches, and a resumed run ({@link DataLoader.setState}) continues exactly.
 *
 * @example
 * ```ts
 * const sequences = [[1, 2, 3], [4, 5], [6], [7, 8, 9, 10]];
 * const loader = new DataLoader(sequences, { batchSize: 2, shuffle: true, seed: 42 });
 * for (const { tokens, lengths, mask } of loader) {
 *   // tokens int32 [2, longest], lengths int32 [2], mask float32 [2, longest]
 * }
 * ```
 */
export class DataLoader<T, B = DefaultBatch<T>> implements Iterable<B> {
  /** Items per batch. */
  readonly batchSize: number;
  /** Whether each epoch reorders the items. */
  readonly shuffle: boolean;
  /** Whether a short last batch is left out. */
  readonly dropLast: boolean;
  private readonly dataset: Dataset<T>;
  private readonly collate: Collate<T, B>;
  private readonly root: Generator;
  /** A copy of the root that has been split `splits` times, so that epochs run in order cost one split each. */
  private walker: Generator;
  private splits = 0;
  private nextEpoch = 0;

  /** @param dataset - the items, by index */
  constructor(dataset: Dataset<T>, options: DataLoaderOptions<T, B>) {
    const fn = 'DataLoader';
    const isIndexable =
      Array.isArray(dataset) ||
      (typeof dataset === 'object' &&
        dataset !== null &&
        Number.isSafeInteger((dataset as { length?: unknown }).length) &&
        typeof (dataset as { get?: unknown }).get === 'function');
    if (!isIndexable) {
      throw new InvalidArgumentError(
        `${fn}: argument 'dataset' must be an array or an object with 'length' and 'get(index)'; received ${describeValue(dataset)}`,
      );
    }
    if (dataset.length === 0) throw new InvalidArgumentError(`${fn}: argument 'dataset' is empty; expected at least one item`);
    const opts = checkOptions(fn, options);
    this.batchSize = checkPositiveInt(fn, 'batchSize', opts.batchSize);
    this.shuffle = checkBoolean(fn, 'shuffle', opts.shuffle ?? false);
    this.dropLast = checkBoolean(fn, 'dropLast', opts.dropLast ?? false);
    if (opts.collate !== undefined && typeof opts.collate !== 'function') {
      throw new InvalidArgumentError(`${fn}: argument 'collate' must be a function; received ${describeValue(opts.collate)}`);
    }
    this.dataset = dataset;
    this.collate = opts.collate ?? (defaultCollate(opts.padValue, opts.backend) as Collate<T, B>);
    // Split rather than share: the loader owns its stream, and a caller's generator still moves on.
    this.root = resolveGenerator(fn, opts).split();
    this.walker = this.root.clone();
  }

  /** Items in the dataset. */
  get size(): number {
    return this.dataset.length;
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** Index of the next epoch that iterating the loader runs. */
  get epoch(): number {
    return this.nextEpoch;
  }

  /** The order in which epoch `epoch` visits the dataset's indices (the identity without `shuffle`). */
  order(epoch: number): Int32Array {
    checkNonNegativeInt('DataLoader.order', 'epoch', epoch);
    const n = this.dataset.length;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    if (!this.shuffle) return order;
    const g = this.epochGenerator(epoch);
    // Fisher–Yates: every permutation equally likely.
    for (let i = n - 1; i > 0; i--) {
      const j = g.int(0, i);
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /** The batches of epoch `epoch`, without moving the loader's own epoch counter. */
  *batches(epoch: number): IterableIterator<B> {
    const order = this.order(epoch);
    const count = this.length;
    for (let k = 0; k < count; k++) {
      const end = Math.min(order.length, (k + 1) * this.batchSize);
      const items: T[] = [];
      for (let i = k * this.batchSize; i < end; i++) items.push(this.item(order[i]));
      yield this.collate(items);
    }
  }

  /** Runs the next epoch: iterating the loader again runs the one after. */
  [Symbol.iterator](): Iterator<B> {
    return this.batches(this.nextEpoch++);
  }

  /** Where the loader is, for checkpoints. */
  getState(): DataLoaderState {
    return { epoch: this.nextEpoch };
  }

  /** Resumes from {@link getState}: the next iteration runs epoch `state.epoch`. */
  setState(state: DataLoaderState): void {
    if (typeof state !== 'object' || state === null) {
      throw new InvalidArgumentError(`DataLoader.setState: argument 'state' must be an object from getState(); received ${describeValue(state)}`);
    }
    this.nextEpoch = checkNonNegativeInt('DataLoader.setState', 'epoch', state.epoch);
  }

  private item(index: number): T {
    const d = this.dataset;
    return Array.isArray(d) ? (d as readonly T[])[index] : (d as IndexedDataset<T>).get(index);
  }

  private epochGenerator(epoch: number): Generator {
    // Epoch e draws from the (e + 1)-th split of the root; the walker remembers how many splits it has made.
    if (this.splits > epoch) {
      this.walker = this.root.clone();
      this.splits = 0;
    }
    let g = this.walker.split();
    this.splits++;
    while (this.splits <= epoch) {
      g = this.walker.split();
      this.splits++;
    }
    return g;
  }
}

function defaultCollate(padValue: number | undefined, backend: string | undefined): Collate<unknown, unknown> {
  return (items) => {
    const first = items[0];
    if (Array.isArray(first) || ArrayBuffer.isView(first)) return padSequences(items as ArrayLike<number>[], { padValue, backend });
    return items;
  };
}
