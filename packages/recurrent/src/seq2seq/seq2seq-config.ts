// The plain-data description of a Seq2Seq model, with its checks and defaults.
import { InvalidArgumentError } from '@seqlab/tensor-core';
import { checkCellType, type CellType } from '../layers/recurrent-stack.js';
import { checkBoolean, checkIntegerAtLeast, checkRange, describeValue } from '../validate.js';

/** Plain-data description of a {@link Seq2Seq} model, enough to rebuild it. */
export interface Seq2SeqConfig {
  /** Source vocabulary size. */
  readonly sourceVocabSize: number;
  /** Target vocabulary size. */
  readonly targetVocabSize: number;
  /** Width of the source and target embeddings. */
  readonly embeddingDim: number;
  /** Hidden size of the encoder and decoder (the decoder starts from the encoder's final state). */
  readonly hiddenSize: number;
  /** Stacked recurrent layers in the encoder and in the decoder. Default 1. */
  readonly numLayers?: number;
  /** `gru` (default), `lstm` or `rnn`. */
  readonly cell?: CellType;
  /** Dropout between recurrent layers in training. Default 0. */
  readonly dropout?: number;
  /** Bahdanau (additive) attention of the decoder over all encoder states. Default false. */
  readonly attention?: boolean;
}

/** Checks a config and fills in the defaults. */
export function checkSeq2SeqConfig(op: string, config: unknown): Required<Seq2SeqConfig> {
  if (typeof config !== 'object' || config === null)
    throw new InvalidArgumentError(`${op}: argument 'config' must be an object; received ${describeValue(config)}`);
  const c = config as Seq2SeqConfig;
  return {
    sourceVocabSize: checkIntegerAtLeast(op, 'sourceVocabSize', c.sourceVocabSize, 1),
    targetVocabSize: checkIntegerAtLeast(op, 'targetVocabSize', c.targetVocabSize, 1),
    embeddingDim: checkIntegerAtLeast(op, 'embeddingDim', c.embeddingDim, 1),
    hiddenSize: checkIntegerAtLeast(op, 'hiddenSize', c.hiddenSize, 1),
    numLayers: checkIntegerAtLeast(op, 'numLayers', c.numLayers ?? 1, 1),
    cell: checkCellType(op, c.cell ?? 'gru'),
    dropout: checkRange(op, 'dropout', c.dropout ?? 0, 0, 1),
    attention: checkBoolean(op, 'attention', c.attention, false, 'option'),
  };
}
