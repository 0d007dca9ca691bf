// Public entry point of @seqlab/recurrent: recurrent cells and layers, seq2seq, language models and gradient probes.
export { RNNCell, checkNonlinearity } from './cells/rnn-cell.js';
export type { RNNCellOptions } from './cells/rnn-cell.js';
export { LSTMCell } from './cells/lstm-cell.js';
export { GRUCell } from './cells/gru-cell.js';
export type { CellOptions, CellParameters } from './cells/cell-parameters.js';
export type { RNNNonlinearity } from './cells/cell-math.js';
export { RecurrentLayer } from './layers/recurrent-layer.js';
export type { DirectionState, RecurrentForwardOptions, RecurrentLayerOptions, RecurrentOutput, StepHook } from './layers/recurrent-layer.js';
export type { SequenceLengths } from './layers/sequence-lengths.js';
export { RNN } from './layers/rnn.js';
export type { RNNOptions } from './layers/rnn.js';
export { LSTM } from './layers/lstm.js';
export type { LSTMForwardOptions, LSTMOutput } from './layers/lstm.js';
export { GRU } from './layers/gru.js';
