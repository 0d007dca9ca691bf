// The toy English→Spanish grammar: random clause structures of an exact English length, realised in both languages.
import { InvalidArgumentError, type Generator } from '@seqlab/tensor-core';
import {
  ADJECTIVES,
  ADVERBS,
  CONJUNCTIONS,
  DETERMINERS,
  NOUNS,
  PREPOSITIONS,
  VERBS,
  type Adjective,
  type Adverb,
  type Conjunction,
  type Determiner,
  type Noun,
  type Preposition,
  type Selection,
  type Verb,
} from './lexicon.js';

/** A noun phrase: determiner, optional adjective, noun, number. */
export interface NounPhrase {
  readonly determiner: Determiner;
  readonly adjective: Adjective | null;
  readonly noun: Noun;
  readonly plural: boolean;
}

/** A prepositional phrase. */
export interface PrepositionalPhrase {
  readonly preposition: Preposition;
  readonly object: NounPhrase;
}

/** Subject, verb (agreeing with the subject), optional object, prepositional phrases and a final adverb. */
export interface Clause {
  readonly subject: NounPhrase;
  readonly verb: Verb;
  readonly object: NounPhrase | null;
  readonly prepositionalPhrases: readonly PrepositionalPhrase[];
  readonly adverb: Adverb | null;
}

/** Clauses joined by conjunctions (`conjunctions[i]` sits between clause i and i + 1). */
export interface Sentence {
  readonly clauses: readonly Clause[];
  readonly conjunctions: readonly Conjunction[];
}

/** English words of the shortest clause ("the dog sleeps") and of the longest the grammar builds. */
export const MIN_CLAUSE_WORDS = 3;
export const MAX_CLAUSE_WORDS = 16;

const TRANSITIVE = VERBS.filter((v) => v.object !== undefined);
const INTRANSITIVE = VERBS.filter((v) => v.object === undefined);
const ANIMATE = NOUNS.filter((n) => n.animate);

/** One way to spend a clause's word budget: which optional parts it has, and the size of each PP (3 or 4 words). */
interface ClauseShape {
  readonly transitive: boolean;
  readonly subjectAdjective: boolean;
  readonly objectAdjective: boolean;
  readonly adverb: boolean;
  readonly ppSizes: readonly number[];
}

const PP_SIZE_LISTS: readonly (readonly number[])[] = [[], [3], [4], [3, 3], [3, 4], [4, 3], [4, 4]];

function shapeWords(s: ClauseShape): number {
  let n = s.transitive ? 5 : 3;
  n += Number(s.subjectAdjective) + Number(s.objectAdjective) + Number(s.adverb);
  for (const p of s.ppSizes) n += p;
  return n;
}

/** Every clause shape, grouped by English word count; built once. */
const SHAPES_BY_LENGTH: ReadonlyMap<number, readonly ClauseShape[]> = (() => {
  const byLength = new Map<number, ClauseShape[]>();
  for (const transitive of [false, true]) {
    for (const subjectAdjective of [false, true]) {
      for (const objectAdjective of transitive ? [false, true] : [false]) {
        for (const adverb of [false, true]) {
          for (const ppSizes of PP_SIZE_LISTS) {
            const shape: ClauseShape = { transitive, subjectAdjective, objectAdjective, adverb, ppSizes };
            const n = shapeWords(shape);
            if (!byLength.has(n)) byLength.set(n, []);
            byLength.get(n)!.push(shape);
          }
        }
      }
    }
  }
  return byLength;
})();

function pick<T>(g: Generator, items: readonly T[]): T {
  return items[g.int(0, items.length - 1)];
}

function nounPhrase(g: Generator, nouns: readonly Noun[], withAdjective: boolean): NounPhrase {
  const noun = pick(g, nouns);
  const determiner = pick(g, DETERMINERS);
  const plural = g.uniform() < 0.3;
  const fitting = ADJECTIVES.filter((a) => a.selects === 'any' || a.selects === (noun.animate ? 'animate' : 'thing'));
  const adjective = withAdjective ? pick(g, fitting) : null;
  return { determiner, adjective, noun, plural };
}

function nounsFor(selection: Selection): readonly Noun[] {
  return selection === 'any' ? NOUNS : NOUNS.filter((n) => n.animate === (selection === 'animate'));
}

function clause(g: Generator, words: number): Clause {
  const shape = pick(g, SHAPES_BY_LENGTH.get(words)!);
  const subject = nounPhrase(g, ANIMATE, shape.subjectAdjective);
  const verb = pick(g, shape.transitive ? TRANSITIVE : INTRANSITIVE);
  const object = shape.transitive ? nounPhrase(g, nounsFor(verb.object!), shape.objectAdjective) : null;
  const prepositionalPhrases = shape.ppSizes.map((size) => {
    const preposition = pick(g, PREPOSITIONS);
    return { preposition, object: nounPhrase(g, nounsFor(preposition.selects), size === 4) };
  });
  const adverb = shape.adverb ? pick(g, ADVERBS) : null;
  return { subject, verb, object, prepositionalPhrases, adverb };
}

/**
 * A random sentence of exactly `length` English words (at least 3): one or more clauses joined by
 * conjunctions, each clause 3–16 words. Longer sentences get more clauses, not just longer ones.
 */
export function randomSentence(g: Generator, length: number): Sentence {
  if (!Number.isSafeInteger(length) || length < MIN_CLAUSE_WORDS) {
    throw new InvalidArgumentError(`randomSentence: argument 'length' must be an integer of at least ${MIN_CLAUSE_WORDS} words; received ${length}`);
  }
  // c clauses and c − 1 conjunctions: c·3 + (c − 1) ≤ length ≤ c·16 + (c − 1).
  const fewest = Math.ceil((length + 1) / (MAX_CLAUSE_WORDS + 1));
  const most = Math.floor((length + 1) / (MIN_CLAUSE_WORDS + 1));
  // Aim for clauses of about 7 words so long sentences read as several ordinary clauses.
  const count = g.int(fewest, Math.max(fewest, Math.min(most, Math.ceil((length + 1) / 7))));
  const budgets = new Array<number>(count).fill(MIN_CLAUSE_WORDS);
  let spare = length - (count - 1) - count * MIN_CLAUSE_WORDS;
  while (spare > 0) {
    const i = g.int(0, count - 1);
    if (budgets[i] < MAX_CLAUSE_WORDS) {
      budgets[i]++;
      spare--;
    }
  }
  const clauses = budgets.map((words) => clause(g, words));
  const conjunctions = clauses.slice(1).map(() => pick(g, CONJUNCTIONS));
  return { clauses, conjunctions };
}

function englishNounPhrase(np: NounPhrase): string[] {
  const number = np.plural ? 1 : 0;
  const words = np.adjective ? [np.adjective.en, np.noun.en[number]] : [np.noun.en[number]];
  const determiner = np.determiner.en[number];
  // Every vowel-initial word of the lexicon starts with a vowel sound, so spelling decides "a" or "an".
  return [determiner === 'a' && /^[aeiou]/.test(words[0]) ? 'an' : determiner, ...words];
}

function spanishNounPhrase(np: NounPhrase): string[] {
  const number = np.plural ? 1 : 0;
  const words = [np.determiner.es[np.noun.gender][number], np.noun.es[number]];
  if (np.adjective) words.push(np.adjective.es[(np.noun.gender === 'f' ? 1 : 0) + (np.plural ? 2 : 0)]);
  return words;
}

/** Spanish preposition words before a noun phrase, contracting "a el" to "al" and "de el" to "del". */
function spanishWithPreposition(preposition: string, np: string[]): string[] {
  const words = preposition.split(' ');
  const last = words[words.length - 1];
  if ((last === 'a' || last === 'de') && np[0] === 'el') return [...words.slice(0, -1), last === 'a' ? 'al' : 'del', ...np.slice(1)];
  return [...words, ...np];
}

/** The English words of a sentence. */
export function englishWordsOf(sentence: Sentence): string[] {
  const out: string[] = [];
  sentence.clauses.forEach((c, i) => {
    if (i > 0) out.push(sentence.conjunctions[i - 1].en);
    out.push(...englishNounPhrase(c.subject), c.verb.en[c.subject.plural ? 1 : 0]);
    if (c.object) out.push(...englishNounPhrase(c.object));
    for (const pp of c.prepositionalPhrases) out.push(pp.preposition.en, ...englishNounPhrase(pp.object));
    if (c.adverb) out.push(c.adverb.en);
  });
  return out;
}

/**
 * The Spanish words of a sentence: adjectives after their nouns and agreeing in gender and number, verbs
 * agreeing with their subjects, the personal "a" before animate direct objects, and the al/del contractions.
 */
export function spanishWordsOf(sentence: Sentence): string[] {
  const out: string[] = [];
  sentence.clauses.forEach((c, i) => {
    if (i > 0) out.push(...sentence.conjunctions[i - 1].es.split(' '));
    out.push(...spanishNounPhrase(c.subject), c.verb.es[c.subject.plural ? 1 : 0]);
    if (c.object) {
      const np = spanishNounPhrase(c.object);
      out.push(...(c.object.noun.animate ? spanishWithPreposition('a', np) : np));
    }
    for (const pp of c.prepositionalPhrases) out.push(...spanishWithPreposition(pp.preposition.es, spanishNounPhrase(pp.object)));
    if (c.adverb) out.push(...c.adverb.es.split(' '));
  });
  return out;
}
