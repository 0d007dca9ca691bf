// The special tokens of word-level vocabularies and their fixed ids.

/** Padding; id 0, so that zero-filled buffers are already padded. */
export const PAD_TOKEN = '<pad>';
/** Stands for any word outside the vocabulary; id 1. */
export const UNK_TOKEN = '<unk>';
/** Beginning of sequence; id 2. */
export const BOS_TOKEN = '<bos>';
/** End of sequence; id 3. */
export const EOS_TOKEN = '<eos>';

/** The special tokens in id order: `<pad>` 0, `<unk>` 1, `<bos>` 2, `<eos>` 3. */
export const SPECIAL_TOKENS: readonly string[] = Object.freeze([PAD_TOKEN, UNK_TOKEN, BOS_TOKEN, EOS_TOKEN]);
