// The English–Spanish lexicon of the toy translation grammar: words with number, gender and agreement forms.

/** Grammatical gender of a Spanish noun. */
export type Gender = 'm' | 'f';

/** Which nouns a word combines with. */
export type Selection = 'any' | 'animate' | 'thing';

/** A noun: English and Spanish forms in the singular and plural. */
export interface Noun {
  readonly en: readonly [singular: string, plural: string];
  readonly es: readonly [singular: string, plural: string];
  readonly gender: Gender;
  /** People and animals: they can be subjects, and as direct objects take Spanish's personal "a". */
  readonly animate: boolean;
}

/** A determiner; Spanish forms by gender, then number. */
export interface Determiner {
  readonly en: readonly [singular: string, plural: string];
  readonly es: { readonly m: readonly [string, string]; readonly f: readonly [string, string] };
}

/** An adjective; it precedes the noun in English and follows it, agreeing, in Spanish. */
export interface Adjective {
  readonly en: string;
  /** Masculine singular, feminine singular, masculine plural, feminine plural. */
  readonly es: readonly [ms: string, fs: string, mp: string, fp: string];
  readonly selects: Selection;
}

/** A verb in the present tense, third person singular and plural. */
export interface Verb {
  readonly en: readonly [singular: string, plural: string];
  readonly es: readonly [singular: string, plural: string];
  /** For transitive verbs, the objects it takes; absent for intransitive ones. */
  readonly object?: Selection;
}

/** A preposition; its Spanish form may be several words ("cerca de"). */
export interface Preposition {
  readonly en: string;
  readonly es: string;
  /** The nouns it takes. */
  readonly selects: Selection;
}

/** An adverbial that ends a clause; one English word, one or more Spanish words. */
export interface Adverb {
  readonly en: string;
  readonly es: string;
}

/** A conjunction joining two clauses. */
export interface Conjunction {
  readonly en: string;
  readonly es: string;
}

const noun = (en: [string, string], es: [string, string], gender: Gender, animate: boolean): Noun => ({ en, es, gender, animate });
/** Regular Spanish adjective in -o/-a. */
const adjO = (en: string, stem: string, selects: Selection): Adjective => ({ en, es: [`${stem}o`, `${stem}a`, `${stem}os`, `${stem}as`], selects });
/** Spanish adjective with one form per number. */
const adj2 = (en: string, sg: string, pl: string, selects: Selection): Adjective => ({ en, es: [sg, sg, pl, pl], selects });

/** Nouns. */
export const NOUNS: readonly Noun[] = [
  noun(['dog', 'dogs'], ['perro', 'perros'], 'm', true),
  noun(['cat', 'cats'], ['gato', 'gatos'], 'm', true),
  noun(['bird', 'birds'], ['pájaro', 'pájaros'], 'm', true),
  noun(['horse', 'horses'], ['caballo', 'caballos'], 'm', true),
  noun(['cow', 'cows'], ['vaca', 'vacas'], 'f', true),
  noun(['mouse', 'mice'], ['ratón', 'ratones'], 'm', true),
  noun(['boy', 'boys'], ['niño', 'niños'], 'm', true),
  noun(['girl', 'girls'], ['niña', 'niñas'], 'f', true),
  noun(['man', 'men'], ['hombre', 'hombres'], 'm', true),
  noun(['woman', 'women'], ['mujer', 'mujeres'], 'f', true),
  noun(['teacher', 'teachers'], ['maestro', 'maestros'], 'm', true),
  noun(['doctor', 'doctors'], ['médico', 'médicos'], 'm', true),
  noun(['friend', 'friends'], ['amigo', 'amigos'], 'm', true),
  noun(['sister', 'sisters'], ['hermana', 'hermanas'], 'f', true),
  noun(['brother', 'brothers'], ['hermano', 'hermanos'], 'm', true),
  noun(['book', 'books'], ['libro', 'libros'], 'm', false),
  noun(['apple', 'apples'], ['manzana', 'manzanas'], 'f', false),
  noun(['letter', 'letters'], ['carta', 'cartas'], 'f', false),
  noun(['car', 'cars'], ['coche', 'coches'], 'm', false),
  noun(['table', 'tables'], ['mesa', 'mesas'], 'f', false),
  noun(['house', 'houses'], ['casa', 'casas'], 'f', false),
  noun(['door', 'doors'], ['puerta', 'puertas'], 'f', false),
  noun(['window', 'windows'], ['ventana', 'ventanas'], 'f', false),
  noun(['garden', 'gardens'], ['jardín', 'jardines'], 'm', false),
  noun(['flower', 'flowers'], ['flor', 'flores'], 'f', false),
  noun(['river', 'rivers'], ['río', 'ríos'], 'm', false),
  noun(['city', 'cities'], ['ciudad', 'ciudades'], 'f', false),
  noun(['tree', 'trees'], ['árbol', 'árboles'], 'm', false),
  noun(['ball', 'balls'], ['pelota', 'pelotas'], 'f', false),
  noun(['chair', 'chairs'], ['silla', 'sillas'], 'f', false),
  noun(['key', 'keys'], ['llave', 'llaves'], 'f', false),
  noun(['box', 'boxes'], ['caja', 'cajas'], 'f', false),
  noun(['song', 'songs'], ['canción', 'canciones'], 'f', false),
  noun(['park', 'parks'], ['parque', 'parques'], 'm', false),
];

/** Determiners. English "a" becomes "an" before a vowel (every vowel-initial word of the lexicon sounds so). */
export const DETERMINERS: readonly Determiner[] = [
  { en: ['the', 'the'], es: { m: ['el', 'los'], f: ['la', 'las'] } },
  { en: ['a', 'some'], es: { m: ['un', 'unos'], f: ['una', 'unas'] } },
  { en: ['this', 'these'], es: { m: ['este', 'estos'], f: ['esta', 'estas'] } },
  { en: ['that', 'those'], es: { m: ['ese', 'esos'], f: ['esa', 'esas'] } },
  { en: ['my', 'my'], es: { m: ['mi', 'mis'], f: ['mi', 'mis'] } },
];

/** Adjectives. */
export const ADJECTIVES: readonly Adjective[] = [
  adj2('big', 'grande', 'grandes', 'any'),
  adjO('small', 'pequeñ', 'any'),
  adjO('old', 'viej', 'any'),
  adjO('beautiful', 'hermos', 'any'),
  adjO('black', 'negr', 'any'),
  adjO('white', 'blanc', 'any'),
  adj2('happy', 'feliz', 'felices', 'animate'),
  adj2('young', 'joven', 'jóvenes', 'animate'),
  adjO('tired', 'cansad', 'animate'),
  adjO('angry', 'enfadad', 'animate'),
  adjO('tall', 'alt', 'animate'),
  adjO('red', 'roj', 'thing'),
  adjO('new', 'nuev', 'thing'),
  adj2('green', 'verde', 'verdes', 'thing'),
  adjO('empty', 'vací', 'thing'),
];

/** Transitive verbs (with `object`) and intransitive ones. */
export const VERBS: readonly Verb[] = [
  { en: ['sees', 'see'], es: ['ve', 'ven'], object: 'any' },
  { en: ['watches', 'watch'], es: ['mira', 'miran'], object: 'any' },
  { en: ['finds', 'find'], es: ['encuentra', 'encuentran'], object: 'any' },
  { en: ['wants', 'want'], es: ['quiere', 'quieren'], object: 'any' },
  { en: ['carries', 'carry'], es: ['lleva', 'llevan'], object: 'any' },
  { en: ['follows', 'follow'], es: ['sigue', 'siguen'], object: 'animate' },
  { en: ['calls', 'call'], es: ['llama', 'llaman'], object: 'animate' },
  { en: ['helps', 'help'], es: ['ayuda', 'ayudan'], object: 'animate' },
  { en: ['eats', 'eat'], es: ['come', 'comen'], object: 'thing' },
  { en: ['reads', 'read'], es: ['lee', 'leen'], object: 'thing' },
  { en: ['buys', 'buy'], es: ['compra', 'compran'], object: 'thing' },
  { en: ['opens', 'open'], es: ['abre', 'abren'], object: 'thing' },
  { en: ['has', 'have'], es: ['tiene', 'tienen'], object: 'thing' },
  { en: ['paints', 'paint'], es: ['pinta', 'pintan'], object: 'thing' },
  { en: ['sleeps', 'sleep'], es: ['duerme', 'duermen'] },
  { en: ['runs', 'run'], es: ['corre', 'corren'] },
  { en: ['sings', 'sing'], es: ['canta', 'cantan'] },
  { en: ['walks', 'walk'], es: ['camina', 'caminan'] },
  { en: ['waits', 'wait'], es: ['espera', 'esperan'] },
  { en: ['laughs', 'laugh'], es: ['ríe', 'ríen'] },
  { en: ['works', 'work'], es: ['trabaja', 'trabajan'] },
  { en: ['dances', 'dance'], es: ['baila', 'bailan'] },
];

/** Prepositions; Spanish "a" and "de" contract with "el" to "al" and "del". */
export const PREPOSITIONS: readonly Preposition[] = [
  { en: 'in', es: 'en', selects: 'thing' },
  { en: 'with', es: 'con', selects: 'any' },
  { en: 'near', es: 'cerca de', selects: 'any' },
  { en: 'behind', es: 'detrás de', selects: 'any' },
  { en: 'under', es: 'debajo de', selects: 'thing' },
  { en: 'on', es: 'sobre', selects: 'thing' },
  { en: 'to', es: 'a', selects: 'thing' },
  { en: 'from', es: 'de', selects: 'thing' },
];

/** Clause-final adverbials. */
export const ADVERBS: readonly Adverb[] = [
  { en: 'quickly', es: 'rápidamente' },
  { en: 'slowly', es: 'lentamente' },
  { en: 'today', es: 'hoy' },
  { en: 'now', es: 'ahora' },
  { en: 'again', es: 'otra vez' },
  { en: 'often', es: 'a menudo' },
  { en: 'here', es: 'aquí' },
  { en: 'outside', es: 'fuera' },
];

/** Conjunctions. */
export const CONJUNCTIONS: readonly Conjunction[] = [
  { en: 'and', es: 'y' },
  { en: 'but', es: 'pero' },
  { en: 'because', es: 'porque' },
  { en: 'while', es: 'mientras' },
  { en: 'when', es: 'cuando' },
  { en: 'so', es: 'así que' },
];

/** Every English word the grammar can produce, sorted. */
export function englishWords(): string[] {
  const words = new Set<string>(['an']);
  for (const n of NOUNS) n.en.forEach((w) => words.add(w));
  for (const d of DETERMINERS) d.en.forEach((w) => words.add(w));
  for (const a of ADJECTIVES) words.add(a.en);
  for (const v of VERBS) v.en.forEach((w) => words.add(w));
  for (const x of [...PREPOSITIONS, ...ADVERBS, ...CONJUNCTIONS]) words.add(x.en);
  return [...words].sort();
}

/** Every Spanish word the grammar can produce (multi-word entries split, contractions included), sorted. */
export function spanishWords(): string[] {
  const words = new Set<string>(['a', 'al', 'del']);
  const addAll = (text: string): void => text.split(' ').forEach((w) => words.add(w));
  for (const n of NOUNS) n.es.forEach(addAll);
  for (const d of DETERMINERS) [...d.es.m, ...d.es.f].forEach(addAll);
  for (const a of ADJECTIVES) a.es.forEach(addAll);
  for (const v of VERBS) v.es.forEach(addAll);
  for (const x of [...PREPOSITIONS, ...ADVERBS, ...CONJUNCTIONS]) addAll(x.es);
  return [...words].sort();
}
