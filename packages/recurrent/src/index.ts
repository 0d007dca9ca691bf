// Public entry point of @seqlab/recurrent: recurrent cells and layers, seq2seq, language models and gradient probes.
export { RNNCell, checkNonlinearity } from './cells/rnn-cell.js';
export type { RNNCellOptions } from './cells/rnn-cell.js';
export { LSTMCell } from './cells/lstm-cell.js';
export { GRUCell } from './cells/gru-cell.js';
export { GatedCell } from './cells/gated-cell.js';
export type { CellOptions, CellParameters } from './cells/cell-parameters.js';
export type { RNNNonlinearity } from './cells/cell-math.js';
export { RecurrentLayer } from './layers/recurrent-layer.js';
export type { DirectionResult, DirectionState, RecurrentForwardOptions, RecurrentLayerOptions, RecurrentOutput, StepHook } from './layers/recurrent-layer.js';
export type { SequenceLengths } from './layers/sequence-lengths.js';
export { RNN } from './layers/rnn.js';
export type { RNNOptions } from './layers/rnn.js';
export { LSTM } from './layers/lstm.js';
export type { LSTMForwardOptions, LSTMOutput } from './layers/lstm.js';
export { GRU } from './layers/gru.js';
export { checkCellType, createRecurrentLayer, runRecurrentLayer } from './layers/recurrent-stack.js';
export type { AnyRecurrentLayer, CellType, RecurrentRunResult } from './layers/recurrent-stack.js';
export { detachState } from './state.js';
export type { RecurrentState } from './state.js';
export { RecurrentLM } from './lm/recurrent-lm.js';
export type { LanguageModelLoss, LanguageModelOutput, RecurrentEvaluateOptions, RecurrentLMConfig, RecurrentLMOptions } from './lm/recurrent-lm.js';
export { unigramCrossEntropy } from './lm/metrics.js';
export {
  buildLanguageModel,
  DEFAULT_LANGUAGE_MODEL_LAYERS,
  DEFAULT_LANGUAGE_MODEL_LR,
  LANGUAGE_MODEL_KINDS,
  LANGUAGE_MODEL_LABELS,
  languageModelBatchSampler,
  languageModelOptimizer,
  languageModelSpec,
  languageModelSpecOf,
  languageModelTrainStep,
  startLanguageModelTraining,
} from './lm/language-models.js';
export type {
  AnyLanguageModel,
  LanguageModelKind,
  LanguageModelSize,
  LanguageModelSpec,
  LanguageModelStepResult,
  LanguageModelTraining,
  LanguageModelTrainingOptions,
} from './lm/language-models.js';
export { gradientFlow } from './probes/gradient-flow.js';
export type { GradientFlowOptions } from './probes/gradient-flow.js';
export { Seq2Seq } from './seq2seq/seq2seq.js';
export type { BeamSearchOptions, DecodedSequence, DecodeOptions, Seq2SeqForwardOptions } from './seq2seq/seq2seq.js';
export type { Seq2SeqConfig } from './seq2seq/seq2seq-config.js';
export { Seq2SeqEncoder } from './seq2seq/encoder.js';
export type { EncoderMemory, EncoderResult, Seq2SeqInitOptions } from './seq2seq/encoder.js';
export { Seq2SeqDecoder } from './seq2seq/decoder.js';
export type { DecoderStep } from './seq2seq/decoder.js';
export { beamSearchOne } from './seq2seq/beam-search.js';
export type { BeamHypothesis, BeamSearchSpec, BeamStep } from './seq2seq/beam-search.js';
