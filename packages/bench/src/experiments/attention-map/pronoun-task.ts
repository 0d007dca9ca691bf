// The pronoun task of `attention-map`: generated sentences "the N1 … the N2 because it was ADJ" in which the adjective
// after "it" decides which noun "it" refers to (animals get tired, objects get soft), with the referent as the target.
import { Generator, tensor, type Tensor } from '@seqlab/tensor-core';

/** Nouns that can be tired, hungry… */
const ANIMALS = ['cat', 'dog', 'bird', 'mouse', 'fox', 'cow'];
/** Nouns that can be soft, warm… */
const OBJECTS = ['mat', 'rug', 'box', 'bed', 'chair', 'log'];
/** Adjectives that only fit an animal. */
const ANIMAL_ADJECTIVES = ['tired', 'hungry', 'sleepy', 'scared'];
/** Adjectives that only fit an object. */
const OBJECT_ADJECTIVES = ['soft', 'warm', 'flat', 'clean'];
/** Two templates, so the referent is first or second in either role: {A} animal, {O} object. */
const TEMPLATES = [
  ['the', '{A}', 'sat', 'on', 'the', '{O}', 'because', 'it', 'was', '{ADJ}'],
  ['the', '{O}', 'was', 'under', 'the', '{A}', 'because', 'it', 'was', '{ADJ}'],
];

/**
 * The role of each word position, the same in both templates.
 *
 * @example
 * ```ts
 * console.assert(PRONOUN_ROLES[7] === 'it' && PRONOUN_ROLES.length === 10);
 * ```
 */
export const PRONOUN_ROLES = ['the', 'noun 1', 'verb', 'preposition', 'the', 'noun 2', 'because', 'it', 'was', 'adjective'];
/** Position of "it". */
export const PRONOUN_POSITION = 7;
/** Positions of the two nouns. */
export const NOUN_POSITIONS: readonly [number, number] = [1, 5];

/**
 * Every word of the task, in a fixed order (its token id is its index).
 *
 * @example
 * ```ts
 * console.assert(PRONOUN_VOCABULARY.includes('cat') && PRONOUN_VOCABULARY.includes('soft'));
 * ```
 */
export const PRONOUN_VOCABULARY: readonly string[] = [
  ...new Set([...TEMPLATES.flat().filter((w) => !w.startsWith('{')), ...ANIMALS, ...OBJECTS, ...ANIMAL_ADJECTIVES, ...OBJECT_ADJECTIVES]),
];

/** A batch of pronoun sentences. */
export interface PronounBatch {
  /** int32 `[batch, 10]` word ids. */
  readonly inputs: Tensor;
  /** int32 `[batch]`: the id of the noun "it" refers to. */
  readonly referents: Tensor;
  /** Position (1 or 5) of the right noun, per sentence. */
  readonly rightPositions: number[];
  /** The sentences as text. */
  readonly sentences: string[];
}

const id = (word: string): number => PRONOUN_VOCABULARY.indexOf(word);

/**
 * Draws `count` sentences with a seeded generator: template, animal, object and, with equal odds, an adjective
 * that makes the animal or the object the referent.
 *
 * @example
 * ```ts
 * const b = pronounBatch(4, new Generator(0));
 * console.assert(b.inputs.shape.join() === '4,10' && b.sentences[0].split(' ')[7] === 'it');
 * ```
 */
export function pronounBatch(count: number, generator: Generator): PronounBatch {
  const ids = new Int32Array(count * PRONOUN_ROLES.length);
  const referents = new Int32Array(count);
  const rightPositions: number[] = [];
  const sentences: string[] = [];
  const pick = (list: readonly string[]): string => list[generator.int(0, list.length - 1)];
  for (let b = 0; b < count; b++) {
    const template = TEMPLATES[generator.int(0, TEMPLATES.length - 1)];
    const animal = pick(ANIMALS);
    const object = pick(OBJECTS);
    const toAnimal = generator.uniform() < 0.5;
    const adjective = pick(toAnimal ? ANIMAL_ADJECTIVES : OBJECT_ADJECTIVES);
    const words = template.map((w) => (w === '{A}' ? animal : w === '{O}' ? object : w === '{ADJ}' ? adjective : w));
    words.forEach((w, t) => (ids[b * words.length + t] = id(w)));
    const referent = toAnimal ? animal : object;
    referents[b] = id(referent);
    rightPositions.push(words.indexOf(referent));
    sentences.push(words.join(' '));
  }
  return {
    inputs: tensor(ids, [count, PRONOUN_ROLES.length], { dtype: 'int32' }),
    referents: tensor(referents, [count], { dtype: 'int32' }),
    rightPositions,
    sentences,
  };
}
