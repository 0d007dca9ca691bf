// View-model of the "cat sat here" step-through: each step's equation terms, with h (and c) from @seqlab/recurrent's cells.
import '@seqlab/autograd';
import { GRUCell, LSTMCell, RNNCell } from '@seqlab/recurrent';
import { add, Generator, InvalidArgumentError, matmul, mul, narrow, sigmoid, tanh, tensor, transpose, zeros, type Tensor } from '@seqlab/tensor-core';

/** A matrix as rows of numbers. */
export type Matrix = number[][];

/**
 * How the tutorial writes the step: `row` vectors, `h_t = tanh(x_t·W_xh + h_{t−1}·W_hh + b_h)` (the convention it
 * states), or `column` vectors, `h_t = tanh(W_xh·x_t + W_hh·h_{t−1} + b_h)` with the same matrices (what its summary
 * table silently used).
 */
export type Convention = 'row' | 'column';

/** The tutorial's example in its own notation: word embeddings, the sentence, W_xh, W_hh, b_h and h_0. */
export interface WorkedExampleInputs {
  /** Embedding of each word. */
  embeddings: Record<string, number[]>;
  /** The words, in order. */
  sequence: string[];
  /** `[inputSize, hiddenSize]` in the row convention (the column convention reads the same numbers as `[hidden, input]`). */
  W_xh: Matrix;
  /** `[hiddenSize, hiddenSize]`. */
  W_hh: Matrix;
  /** `[hiddenSize]`. */
  b_h: number[];
  /** `[hiddenSize]`. */
  h0: number[];
}

/** One step of the vanilla RNN, every term of its equation, with `h` from the library's `RNNCell`. */
export interface RnnStep {
  /** Step number, 1-based as in the tutorial (`h_1` is after the first word). */
  t: number;
  /** The word read at this step. */
  word: string;
  /** Its embedding x_t. */
  x: number[];
  /** h_{t−1}, the library's previous output (rounded when `roundCarriedState` is set). */
  hPrev: number[];
  /** `x_t·W_xh` (row) or `W_xh·x_t` (column). */
  inputTerm: number[];
  /** `h_{t−1}·W_hh` (row) or `W_hh·h_{t−1}` (column). */
  hiddenTerm: number[];
  /** b_h. */
  bias: number[];
  /** inputTerm + hiddenTerm + bias. */
  preActivation: number[];
  /** `RNNCell.forward(x_t, h_{t−1})`. */
  h: number[];
}

/** Options of {@link rnnSteps}. */
export interface RnnStepsOptions {
  /** Round each h to this many decimals before carrying it to the next step, as a hand calculation does. */
  roundCarriedState?: number;
}

/** The names of the gates of a gated cell, in PyTorch's stacking order. */
export const GATE_NAMES = { lstm: ['i', 'f', 'g', 'o'], gru: ['r', 'z', 'n'] } as const;

/** The gated cells the step-through shows. */
export type GatedKind = keyof typeof GATE_NAMES;

/** Weights of a gated cell in PyTorch's layout: gate blocks of `hiddenSize` rows stacked in `GATE_NAMES` order. */
export interface GatedWeights {
  /** `[gates·H, inputSize]`. */
  weight_ih: Matrix;
  /** `[gates·H, H]`. */
  weight_hh: Matrix;
  /** `[gates·H]`. */
  bias_ih: number[];
  /** `[gates·H]`. */
  bias_hh: number[];
}

/** One gate of one step: `value = act(inputTerm + inputBias + reset·(hiddenTerm + hiddenBias))`, reset 1 except GRU's n. */
export interface GateTerms {
  /** `W_i·x_t`. */
  inputTerm: number[];
  /** `b_i`. */
  inputBias: number[];
  /** `W_h·h_{t−1}`. */
  hiddenTerm: number[];
  /** `b_h`. */
  hiddenBias: number[];
  /** The argument of the activation. */
  preActivation: number[];
  /** σ of it (tanh for LSTM's g and GRU's n). */
  value: number[];
}

/** One step of an LSTM or GRU: its gates, and h (and the LSTM's cell state c) from the library's cell. */
export interface GatedStep {
  /** Step number, 1-based. */
  t: number;
  /** The word read. */
  word: string;
  /** Its embedding. */
  x: number[];
  /** h_{t−1}. */
  hPrev: number[];
  /** c_{t−1} (LSTM only). */
  cPrev: number[] | null;
  /** The gates by name. */
  gates: Record<string, GateTerms>;
  /** c_t from `LSTMCell.forward` (LSTM only). */
  c: number[] | null;
  /** h_t from `LSTMCell.forward` / `GRUCell.forward`. */
  h: number[];
}

const F64 = { dtype: 'float64', backend: 'cpu' } as const;

function matrixTensor(m: Matrix): Tensor {
  return tensor(m, undefined, F64);
}

function rowTensor(v: number[]): Tensor {
  return tensor([v], undefined, F64);
}

function values(t: Tensor): number[] {
  return Array.from(t.dataSync());
}

function shapeOf(m: Matrix): [number, number] {
  return [m.length, m[0]?.length ?? 0];
}

function checkMatrix(fn: string, name: string, m: Matrix, rows: number, cols: number): void {
  const ok = Array.isArray(m) && m.length === rows && m.every((r) => Array.isArray(r) && r.length === cols && r.every(Number.isFinite));
  if (!ok) {
    const got = Array.isArray(m) ? `[${shapeOf(m).join(', ')}]` : typeof m;
    throw new InvalidArgumentError(`${fn}: argument '${name}' must be a [${rows}, ${cols}] matrix of finite numbers; received ${got}`);
  }
}

function checkVector(fn: string, name: string, v: number[], length: number): void {
  if (!Array.isArray(v) || v.length !== length || !v.every(Number.isFinite)) {
    throw new InvalidArgumentError(
      `${fn}: argument '${name}' must be ${length} finite numbers; received ${Array.isArray(v) ? `length ${v.length}` : typeof v}`,
    );
  }
}

function embeddingsOf(fn: string, inputs: Pick<WorkedExampleInputs, 'embeddings' | 'sequence'>, inputSize: number): number[][] {
  return inputs.sequence.map((word) => {
    const x = inputs.embeddings[word];
    checkVector(fn, `embeddings.${word}`, x, inputSize);
    return x;
  });
}

/**
 * The tutorial's inputs read from a worked-example fixture (shared/goldens `worked_example.json`, or the app's `TUTORIAL_INPUTS`).
 *
 * @example
 * ```ts
 * const inputs = inputsFromFixture(fixture);
 * inputs.W_xh; // [[0.3, 0.7], [0.4, 0.2]]
 * ```
 */
export function inputsFromFixture(fixture: {
  inputs: {
    embeddings: Record<string, number[]>;
    sequence: string[];
    W_xh: { shape: number[]; data: number[] };
    W_hh: { shape: number[]; data: number[] };
    b_h: { data: number[] };
    h0: { data: number[] };
  };
}): WorkedExampleInputs {
  const rows = (t: { shape: number[]; data: number[] }): Matrix =>
    Array.from({ length: t.shape[0] }, (_, r) => t.data.slice(r * t.shape[1], (r + 1) * t.shape[1]));
  const { inputs } = fixture;
  return {
    embeddings: structuredClone(inputs.embeddings),
    sequence: [...inputs.sequence],
    W_xh: rows(inputs.W_xh),
    W_hh: rows(inputs.W_hh),
    b_h: [...inputs.b_h.data],
    h0: [...inputs.h0.data],
  };
}

/**
 * The library cell that computes the tutorial's step in `convention`: `nn.RNNCell` computes `x·W_ihᵀ + b_ih + h·W_hhᵀ`,
 * so the row convention loads `W_xhᵀ, W_hhᵀ` and the column convention loads the matrices as written.
 *
 * @example
 * ```ts
 * const cell = rnnCellFor(inputs, 'row');
 * cell.forward(tensor([[0.5, 0.2]], undefined, 'float64')); // h_1 = [[0.3185, 0.5299]]
 * ```
 */
export function rnnCellFor(inputs: WorkedExampleInputs, convention: Convention): RNNCell {
  const fn = 'rnnCellFor';
  const hidden = inputs.b_h.length;
  const [a, b] = shapeOf(inputs.W_xh);
  const inputSize = convention === 'row' ? a : b;
  checkMatrix(fn, 'W_xh', inputs.W_xh, convention === 'row' ? inputSize : hidden, convention === 'row' ? hidden : inputSize);
  checkMatrix(fn, 'W_hh', inputs.W_hh, hidden, hidden);
  checkVector(fn, 'b_h', inputs.b_h, hidden);
  const cell = new RNNCell(inputSize, hidden, F64);
  const wxh = matrixTensor(inputs.W_xh);
  const whh = matrixTensor(inputs.W_hh);
  cell.loadStateDict({
    weight_ih: convention === 'row' ? transpose(wxh) : wxh,
    weight_hh: convention === 'row' ? transpose(whh) : whh,
    bias_ih: tensor(inputs.b_h, undefined, F64),
    bias_hh: zeros([hidden], F64),
  });
  return cell;
}

function round(v: number[], digits: number | undefined): number[] {
  return digits === undefined ? v : v.map((x) => Number(x.toFixed(digits)));
}

/**
 * Every step of the vanilla RNN over the sentence in `convention`. `h` is `RNNCell.forward`'s output; the terms of
 * the equation are computed with tensor ops from the same weights, so the display can show how they add up.
 *
 * @example
 * ```ts
 * const steps = rnnSteps(inputsFromFixture(fixture), 'row');
 * steps[0].h; // [0.318521, 0.529896] (to 6 dp), the tutorial's step-by-step h_1
 * ```
 */
export function rnnSteps(inputs: WorkedExampleInputs, convention: Convention, options: RnnStepsOptions = {}): RnnStep[] {
  const cell = rnnCellFor(inputs, convention);
  checkVector('rnnSteps', 'h0', inputs.h0, cell.hiddenSize);
  const xs = embeddingsOf('rnnSteps', inputs, cell.inputSize);
  const wxh = matrixTensor(inputs.W_xh);
  const whh = matrixTensor(inputs.W_hh);
  let hPrev = round([...inputs.h0], options.roundCarriedState);
  return xs.map((x, i) => {
    const xRow = rowTensor(x);
    const hRow = rowTensor(hPrev);
    const inputTerm = convention === 'row' ? matmul(xRow, wxh) : matmul(wxh, xRow, { transB: true });
    const hiddenTerm = convention === 'row' ? matmul(hRow, whh) : matmul(whh, hRow, { transB: true });
    const bias = [...inputs.b_h];
    const step: RnnStep = {
      t: i + 1,
      word: inputs.sequence[i],
      x: [...x],
      hPrev,
      inputTerm: values(inputTerm),
      hiddenTerm: values(hiddenTerm),
      bias,
      preActivation: values(inputTerm).map((v, j) => v + values(hiddenTerm)[j] + bias[j]),
      h: values(cell.forward(xRow, hRow)),
    };
    hPrev = round(step.h, options.roundCarriedState);
    return step;
  });
}

/**
 * Initial weights of a gated cell with `inputSize` inputs and `hiddenSize` units, drawn by the library's own
 * initialisation (U(−1/√H, 1/√H)) from `new Generator(seed)`.
 *
 * @example
 * ```ts
 * const w = initialGatedWeights('lstm', 2, 2, 0);
 * w.weight_ih.length; // 8: four gate blocks of two rows
 * ```
 */
export function initialGatedWeights(kind: GatedKind, inputSize: number, hiddenSize: number, seed: number): GatedWeights {
  const options = { ...F64, generator: new Generator(seed) };
  const cell = kind === 'lstm' ? new LSTMCell(inputSize, hiddenSize, options) : new GRUCell(inputSize, hiddenSize, options);
  const rows = (t: Tensor): Matrix => {
    const v = values(t);
    return Array.from({ length: t.shape[0] }, (_, r) => v.slice(r * t.shape[1], (r + 1) * t.shape[1]));
  };
  return { weight_ih: rows(cell.weight_ih), weight_hh: rows(cell.weight_hh), bias_ih: values(cell.bias_ih as Tensor), bias_hh: values(cell.bias_hh as Tensor) };
}

/**
 * The library cell (`LSTMCell` or `GRUCell`, float64) loaded with `weights`.
 *
 * @example
 * ```ts
 * const cell = gatedCellFor('gru', initialGatedWeights('gru', 2, 2, 0));
 * cell.forward(tensor([[0.5, 0.2]], undefined, 'float64')).shape; // [1, 2]
 * ```
 */
export function gatedCellFor(kind: GatedKind, weights: GatedWeights): LSTMCell | GRUCell {
  const fn = 'gatedCellFor';
  const gates = GATE_NAMES[kind].length;
  const [rows, inputSize] = shapeOf(weights.weight_ih);
  const hidden = rows / gates;
  if (!Number.isInteger(hidden) || hidden < 1) {
    throw new InvalidArgumentError(`${fn}: argument 'weights.weight_ih' must have ${gates}·hiddenSize rows for a ${kind}; received ${rows}`);
  }
  checkMatrix(fn, 'weights.weight_ih', weights.weight_ih, rows, inputSize);
  checkMatrix(fn, 'weights.weight_hh', weights.weight_hh, rows, hidden);
  checkVector(fn, 'weights.bias_ih', weights.bias_ih, rows);
  checkVector(fn, 'weights.bias_hh', weights.bias_hh, rows);
  const cell = kind === 'lstm' ? new LSTMCell(inputSize, hidden, F64) : new GRUCell(inputSize, hidden, F64);
  cell.loadStateDict({
    weight_ih: matrixTensor(weights.weight_ih),
    weight_hh: matrixTensor(weights.weight_hh),
    bias_ih: tensor(weights.bias_ih, undefined, F64),
    bias_hh: tensor(weights.bias_hh, undefined, F64),
  });
  return cell;
}

/**
 * Every step of an LSTM or GRU over the sentence, starting from zero state: each gate's terms and value (computed
 * with tensor ops from the weights), and h (and c) from the library cell's `forward`.
 *
 * @example
 * ```ts
 * const steps = gatedSteps('lstm', inputsFromFixture(fixture), initialGatedWeights('lstm', 2, 2, 0));
 * steps[2].gates.f.value; // the forget gate while reading "here"
 * ```
 */
export function gatedSteps(kind: GatedKind, inputs: Pick<WorkedExampleInputs, 'embeddings' | 'sequence'>, weights: GatedWeights): GatedStep[] {
  const cell = gatedCellFor(kind, weights);
  const H = cell.hiddenSize;
  const xs = embeddingsOf('gatedSteps', inputs, cell.inputSize);
  let h = zeros([1, H], F64);
  let c = zeros([1, H], F64);
  return xs.map((x, i) => {
    const xRow = rowTensor(x);
    const gates: Record<string, GateTerms> = {};
    let reset: Tensor | null = null;
    GATE_NAMES[kind].forEach((name, g) => {
      const block = (t: Tensor): Tensor => narrow(t, 0, g * H, H);
      const inputTerm = matmul(xRow, block(cell.weight_ih), { transB: true });
      const hiddenTerm = matmul(h, block(cell.weight_hh), { transB: true });
      const inputBias = block(cell.bias_ih as Tensor);
      const hiddenBias = block(cell.bias_hh as Tensor);
      // GRU's candidate n multiplies the whole hidden side, bias included, by the reset gate r.
      const hiddenSide = add(hiddenTerm, hiddenBias);
      const pre = add(add(inputTerm, inputBias), name === 'n' && reset !== null ? mul(reset, hiddenSide) : hiddenSide);
      const value = name === 'g' || name === 'n' ? tanh(pre) : sigmoid(pre);
      if (name === 'r') reset = value;
      gates[name] = {
        inputTerm: values(inputTerm),
        inputBias: values(inputBias),
        hiddenTerm: values(hiddenTerm),
        hiddenBias: values(hiddenBias),
        preActivation: values(pre),
        value: values(value),
      };
    });
    const hPrev = values(h);
    const cPrev = kind === 'lstm' ? values(c) : null;
    if (cell instanceof LSTMCell) [h, c] = cell.forward(xRow, [h, c]);
    else h = cell.forward(xRow, h);
    return { t: i + 1, word: inputs.sequence[i], x: [...x], hPrev, cPrev, gates, c: kind === 'lstm' ? values(c) : null, h: values(h) };
  });
}
