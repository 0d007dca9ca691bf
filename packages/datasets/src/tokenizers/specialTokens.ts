// The special tokens of word-level vocabularies and their fixed ids.

/**
 * Padding; id 0, so that zero-filled buffers are already padded.
 *
 * @example
 * ```ts
 * const tok = WordTokenizer.fromText('the cat sat');
 * console.assert(tok.idOf(PAD_TOKEN) === 0 && tok.padId === 0);
 * ```
 */
export const PAD_TOKEN = '<pad>';
/**
 * Stands for any word outside the vocabulary; id 1.
 *
 * @example
 * ```ts
 * const tok = WordTokenizer.fromText('the cat sat');
 * console.assert(tok.decode(tok.encode('the dog')) === `the ${UNK_TOKEN}`); // 'the <unk>'
 * ```
 */
export const UNK_TOKEN = '<unk>';
/**
 * Beginning of sequence; id 2.
 *
 * @example
 * ```ts
 * const tok = WordTokenizer.fromText('the cat sat');
 * const ids = tok.encode('the cat', { addBos: true }); // [2, the, cat]
 * console.assert(ids[0] === tok.idOf(BOS_TOKEN) && tok.bosId === 2);
 * ```
 */
export const BOS_TOKEN = '<bos>';
/**
 * End of sequence; id 3.
 *
 * @example
 * ```ts
 * const tok = WordTokenizer.fromText('the cat sat');
 * const ids = tok.encode('the cat', { addEos: true }); // [the, cat, 3]
 * console.assert(ids[ids.length - 1] === tok.idOf(EOS_TOKEN) && tok.eosId === 3);
 * ```
 */
export const EOS_TOKEN = '<eos>';

/**
 * The special tokens in id order: `<pad>` 0, `<unk>` 1, `<bos>` 2, `<eos>` 3.
 *
 * @example
 * ```ts
 * const tok = WordTokenizer.fromText('the cat sat');
 * console.assert(tok.tokens.slice(0, SPECIAL_TOKENS.length).join() === SPECIAL_TOKENS.join()); // every vocabulary starts with them
 * ```
 */
export const SPECIAL_TOKENS: readonly string[] = Object.freeze([PAD_TOKEN, UNK_TOKEN, BOS_TOKEN, EOS_TOKEN]);
