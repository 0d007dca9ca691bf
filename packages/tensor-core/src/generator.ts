// Seeded random number generator (xoroshiro128+ from pure-rand) with serialisable state.
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';
import { InvalidArgumentError } from './errors.js';
import { coreState } from './shared-state.js';
import { describe } from './shape.js';

/** Serialised generator state, safe to store in a checkpoint's JSON metadata. */
export interface GeneratorState {
  /** The generator algorithm. */
  readonly algorithm: 'xoroshiro128plus';
  /** Its four 32-bit state words. */
  readonly state: readonly number[];
}

const MASK64 = (1n << 64n) - 1n;

/**
 * The 128-bit xoroshiro128+ state for `seed`, from two SplitMix64 outputs (the seeding xoroshiro's authors
 * recommend). pure-rand's own `xoroshiro128plus(seed)` puts the seed beside constant words, which made the first
 * draw of every small seed ≈ 1 and the second linear in the seed. Every safe integer, negative ones included, gives
 * its own state; the words are in pure-rand's order (high, low of s0, then of s1).
 */
function seededState(seed: number): number[] {
  let x = BigInt.asUintN(64, BigInt(seed));
  const words: number[] = [];
  for (let i = 0; i < 2; i++) {
    x = (x + 0x9e3779b97f4a7c15n) & MASK64;
    let z = x;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    z ^= z >> 31n;
    words.push(Number(z >> 32n) | 0, Number(z & 0xffffffffn) | 0);
  }
  return words;
}

/**
 * An explicit, seeded source of randomness. The same seed gives the same sequence on every platform.
 *
 * @example
 * ```ts
 * const g = new Generator(42);
 * g.uniform();            // a float in [0, 1)
 * g.int(0, 9);            // an integer in [0, 9]
 * const saved = g.getState();
 * const again = Generator.fromState(saved); // continues identically
 * ```
 */
export class Generator {
  private rng: JumpableRandomGenerator;

  /** @param seed - any safe integer */
  constructor(seed = 0) {
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
      throw new InvalidArgumentError(`Generator: argument 'seed' must be a safe integer; received ${describe(seed)}`);
    }
    this.rng = xoroshiro128plusFromState(seededState(seed));
  }

  /** A generator that continues from a saved state. */
  static fromState(state: GeneratorState): Generator {
    const g = new Generator(0);
    g.setState(state);
    return g;
  }

  /** The current state; `Generator.fromState(g.getState())` continues the same sequence. */
  getState(): GeneratorState {
    return { algorithm: 'xoroshiro128plus', state: [...this.rng.getState()] };
  }

  /** Restores a state from {@link getState}. */
  setState(state: GeneratorState): void {
    if (
      !state ||
      state.algorithm !== 'xoroshiro128plus' ||
      !Array.isArray(state.state) ||
      state.state.length !== 4 ||
      !state.state.every((v) => Number.isInteger(v))
    ) {
      throw new InvalidArgumentError(`Generator.setState: argument 'state' must be a saved xoroshiro128plus state; received ${describe(state)}`);
    }
    this.rng = xoroshiro128plusFromState(state.state);
  }

  /** An independent copy with the same state. */
  clone(): Generator {
    const g = new Generator(0);
    g.rng = this.rng.clone();
    return g;
  }

  /** A new generator on a far-away, non-overlapping stream; this one advances too. */
  split(): Generator {
    const g = this.clone();
    g.rng.jump();
    this.rng.next();
    return g;
  }

  /** A float in [0, 1) with 53 random bits. */
  uniform(): number {
    return uniformFloat64(this.rng);
  }

  /** An integer in [from, to], both included. */
  int(from: number, to: number): number {
    return uniformInt(this.rng, from, to);
  }

  /** A standard normal sample (Box–Muller, one draw per call so the state stays simple). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

// The first loaded copy of tensor-core defines the class that every copy uses, so `instanceof Generator` holds for
// generators from any copy. A class binding is mutable in JavaScript; TypeScript only forbids it in source.
// @ts-expect-error -- rebinding the class to the first loaded copy's
Generator = coreState.claim('Generator', Generator);

const defaults = coreState.claim('defaultGenerator', { generator: new Generator(0) });

/**
 * The process-wide generator used when an op is given none (one for every loaded copy). Seeded with 0 until {@link manualSeed}.
 *
 * @example
 * ```ts
 * const g = defaultGenerator();
 * const u = g.uniform();
 * console.assert(u >= 0 && u < 1);
 * ```
 */
export function defaultGenerator(): Generator {
  return defaults.generator;
}

/**
 * Reseeds the process-wide generator, as `torch.manual_seed`. Returns it.
 *
 * @example
 * ```ts
 * manualSeed(42);
 * const a = defaultGenerator().uniform();
 * manualSeed(42);
 * console.assert(defaultGenerator().uniform() === a);
 * ```
 */
export function manualSeed(seed: number): Generator {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new InvalidArgumentError(`manualSeed: argument 'seed' must be a safe integer; received ${describe(seed)}`);
  }
  defaults.generator = new Generator(seed);
  return defaults.generator;
}
