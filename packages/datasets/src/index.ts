// Public entry point of @seqlab/datasets: corpora, text files, tokenizers, language-model batches, synthetic tasks and the DataLoader.
export { countCharacters, listCorpora, loadCorpus, splitText, textCorpus } from './corpus.js';
export type { Corpus, SplitOptions, TextCorpusOptions } from './corpus.js';
export { TINY_SHAKESPEARE_ORIGIN } from './corpora/tinyshakespeare.js';
export { decodeUtf8, Utf8Error, Utf8Validator } from './utf8.js';
export { loadTextFile, readTextChunks } from './textFile.js';
export type { TextFileOptions } from './textFile.js';
export { CharTokenizer } from './tokenizers/charTokenizer.js';
export type { CharTokenizerJSON, CharTokenizerOptions, UnknownCharPolicy } from './tokenizers/charTokenizer.js';
export { WordTokenizer } from './tokenizers/wordTokenizer.js';
export type { WordDecodeOptions, WordEncodeOptions, WordSplitOptions, WordTokenizerJSON, WordTokenizerOptions } from './tokenizers/wordTokenizer.js';
export { BOS_TOKEN, EOS_TOKEN, PAD_TOKEN, SPECIAL_TOKENS, UNK_TOKEN } from './tokenizers/specialTokens.js';
export { tokenizerFromJSON } from './tokenizers/tokenizer.js';
export type { Tokenizer, TokenizerJSON } from './tokenizers/tokenizer.js';
export type { TokenIds } from './tokenizers/tokenIds.js';
