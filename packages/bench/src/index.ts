// Public entry point of @seqlab/bench: the measured experiments, their registry and the result writers.
export * from './experiments/index.js';
