// The tutorial's worked example ("cat sat here") computed in both conventions, by hand-written formulas and by nn.RNN.
// Run it from the repository root after a build: node packages/recurrent/examples/worked-example.mjs
import { RNN } from '@seqlab/recurrent';
import { add, matmul, reshape, stack, tanh, tensor, transpose, zeros } from '@seqlab/tensor-core';

const embeddings = { cat: [0.5, 0.2], sat: [0.1, 0.9], here: [0.8, 0.3] };
const sentence = ['cat', 'sat', 'here'];
const W_xh = tensor([[0.3, 0.7], [0.4, 0.2]], undefined, 'float64');
const W_hh = tensor([[0.1, 0.5], [0.6, 0.3]], undefined, 'float64');
const b_h = tensor([0.1, 0.2], undefined, 'float64');

/**
 * Hidden states h1..h3 of the sentence in both conventions, each computed twice: by the formula written with
 * tensor ops, and by an `RNN` layer loaded with the matching weights. Returns plain arrays.
 */
export function workedExample() {
  // Row vectors, as the tutorial states: h_t = tanh(x_t·W_xh + h_{t−1}·W_hh + b_h), x_t and h_t of shape [1, 2].
  // Column vectors: h_t = tanh(W_xh·x_t + W_hh·h_{t−1} + b_h), x_t and h_t of shape [2, 1].
  // With the same matrices the two differ, because x·W = (Wᵀ·xᵀ)ᵀ: the column form uses the transposed weights.
  let hRow = zeros([1, 2], 'float64');
  let hCol = zeros([2, 1], 'float64');
  const rowByFormula = [];
  const columnByFormula = [];
  for (const word of sentence) {
    const x = tensor([embeddings[word]], undefined, 'float64');
    hRow = tanh(add(add(matmul(x, W_xh), matmul(hRow, W_hh)), b_h));
    hCol = tanh(add(add(matmul(W_xh, transpose(x)), matmul(W_hh, hCol)), reshape(b_h, [2, 1])));
    rowByFormula.push(Array.from(hRow.dataSync()));
    columnByFormula.push(Array.from(hCol.dataSync()));
  }

  // nn.RNN computes x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh. The row convention therefore loads the transposes;
  // the column convention is PyTorch's own layout and loads the matrices as they are.
  const x = reshape(stack(sentence.map((w) => tensor(embeddings[w], undefined, 'float64'))), [1, 3, 2]);
  const run = (weightIh, weightHh) => {
    const rnn = new RNN(2, 2, { batchFirst: true, dtype: 'float64' });
    rnn.loadStateDict({ weight_ih_l0: weightIh, weight_hh_l0: weightHh, bias_ih_l0: b_h, bias_hh_l0: zeros([2], 'float64') });
    const out = rnn.forward(x).output.dataSync();
    return [0, 1, 2].map((t) => [out[2 * t], out[2 * t + 1]]);
  };
  return {
    row: { formula: rowByFormula, rnn: run(transpose(W_xh), transpose(W_hh)) },
    column: { formula: columnByFormula, rnn: run(W_xh, W_hh) },
  };
}

function format(h) {
  return `[${h.map((v) => v.toFixed(6)).join(', ')}]`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { row, column } = workedExample();
  console.log('"cat sat here" with h0 = 0\n');
  console.log('step  word   row vectors x·W_xh + h·W_hh   column vectors W_xh·x + W_hh·h');
  sentence.forEach((word, t) => console.log(`h${t + 1}    ${word.padEnd(5)}  ${format(row.formula[t])}          ${format(column.formula[t])}`));
  console.log('\nThe row-vector column is the convention the tutorial states (its step-by-step numbers);');
  console.log("the column-vector column reproduces its summary table ([0.37, 0.41], [0.76, 0.65], [0.74, 0.84]).");
  console.log('nn.RNN agrees with both when loaded with W_xhᵀ, W_hhᵀ (row) or W_xh, W_hh (column).');
}
