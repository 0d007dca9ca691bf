// Recurrent layers against PyTorch (rnn.json, lstm.json, gru.json) and against their packed-sequence semantics, on one backend.
import '@seqlab/autograd';
import { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell } from '@seqlab/recurrent';
import { add, Generator, mul, narrow, randn, reshape, stack, sum, transpose, zeros, type Tensor } from '@seqlab/tensor-core';
import { describe, expect, it } from 'vitest';
import gruGoldens from '../fixtures/goldens/gru.json';
import lstmGoldens from '../fixtures/goldens/lstm.json';
import rnnGoldens from '../fixtures/goldens/rnn.json';
import { storedDTypes, widestFloat } from './backend-dtypes.js';
import { fromGolden, fromGoldens, type GoldenCase, type GoldenTensor } from './goldens.js';
import { expectCloseToGolden as expectClose, goldenTolerance as tolerance } from './golden-close.js';

type DType = 'float32' | 'float64';
type Cases = Record<string, GoldenCase>;

const rnnCases = rnnGoldens.cases as unknown as Cases;
const lstmCases = lstmGoldens.cases as unknown as Cases;
const gruCases = gruGoldens.cases as unknown as Cases;

/** `[dtype, fused]` for every float dtype `backend` stores. */
function variants(backend: string): [DType, boolean][] {
  return storedDTypes(backend, ['float64', 'float32'] as const).flatMap((dtype): [DType, boolean][] => [
    [dtype, true],
    [dtype, false],
  ]);
}

/** Inputs of a case as leaves requiring gradients, on `backend`. */
function leaves(c: GoldenCase, dtype: DType, backend: string): Record<string, Tensor> {
  const out = fromGoldens(c.inputs, dtype, backend);
  for (const t of Object.values(out)) t.requiresGrad_();
  return out;
}

function expectGrads(grads: Record<string, Tensor | null>, expected: GoldenCase['grads'], dtype: DType): void {
  for (const name of Object.keys(expected)) expectClose(grads[name], expected[name], tolerance(dtype), `grad ${name}`);
}

/** After backward: the gradients of `model`'s parameters by state-dict name and of the `inputs` leaves by input name. */
function gradsOf(model: Pick<RNN, 'namedParameters'>, inputs: Record<string, Tensor>): Record<string, Tensor | null> {
  const entries = [...model.namedParameters(), ...Object.entries(inputs)];
  return Object.fromEntries(entries.map(([name, t]) => [name, t.grad]));
}

/**
 * RNN, LSTM and GRU layers (fused and composed) and their cells on `backend` against the PyTorch goldens: outputs, final
 * states and every BPTT gradient, in every float dtype the backend stores.
 *
 * @example
 * ```ts
 * describe.each(BACKENDS)('%s backend', (backend) => recurrentGoldensSuite(backend));
 * ```
 */
export function recurrentGoldensSuite(backend: string): void {
  const golden = (g: GoldenTensor, dtype: DType): Tensor => fromGolden(g, dtype, backend);
  const goldens = (r: Record<string, GoldenTensor>, dtype: DType): Record<string, Tensor> => fromGoldens(r, dtype, backend);

  /** Loads case `c`'s parameters into `layer` and runs it on the case's inputs (`c0` too for an LSTM) as leaves. */
  const runCase = (layer: RNN | GRU | LSTM, c: GoldenCase, dtype: DType) => {
    layer.loadStateDict(goldens(c.params, dtype));
    const inputs = leaves(c, dtype, backend);
    const result: { output: Tensor; hN: Tensor; cN?: Tensor } = layer.forward(inputs.x, { h0: inputs.h0, c0: inputs.c0 });
    expect(result.output.backendName).toBe(backend);
    return { ...result, inputs };
  };

  /** Case `c` through `layer`: output, h_n (and c_n), then every gradient of the loss Σ output·G. */
  const expectOutputParity = (layer: RNN | GRU | LSTM, c: GoldenCase, dtype: DType): void => {
    const { output, hN, cN, inputs } = runCase(layer, c, dtype);
    expectClose(output, c.outputs.output, tolerance(dtype), 'output');
    expectClose(hN, c.outputs.h_n, tolerance(dtype), 'h_n');
    if (cN !== undefined) expectClose(cN, c.outputs.c_n, tolerance(dtype), 'c_n');
    sum(mul(output, golden(c.loss_weight_G ?? c.loss_weights!.G, dtype))).backward();
    expectGrads(gradsOf(layer, inputs), c.grads, dtype);
  };

  describe.each(variants(backend))('%s, fused %s', (dtype, fused) => {
    it('RNN matches torch.nn.RNN (torch_nn_rnn): output, h_n and every gradient', () => {
      expectOutputParity(new RNN(3, 4, { batchFirst: true, dtype, backend, fused }), rnnCases.torch_nn_rnn, dtype);
    });

    it('RNN reproduces the row-vector formula h = tanh(x·W_xh + h·W_hh + b_h) with transposed weights (row_vector_rnn)', () => {
      const c = rnnCases.row_vector_rnn;
      const p = goldens(c.params, dtype);
      const rnn = new RNN(3, 4, { batchFirst: true, dtype, backend, fused });
      rnn.loadStateDict({
        weight_ih_l0: transpose(p.W_xh),
        weight_hh_l0: transpose(p.W_hh),
        bias_ih_l0: p.b_h,
        bias_hh_l0: zeros([4], { dtype, backend }),
      });
      const { x, h0 } = leaves(c, dtype, backend);
      const { output, hN } = rnn.forward(x, { h0: reshape(h0, [1, 2, 4]) });
      expectClose(output, c.outputs.outputs, tolerance(dtype), 'outputs');
      expectClose(reshape(hN, [2, 4]), c.outputs.h_n, tolerance(dtype), 'h_n');
      sum(mul(output, golden(c.loss_weight_G!, dtype))).backward();
      const [wih, whh, bih] = rnn.parameters();
      expectGrads({ W_xh: transpose(wih.grad!), W_hh: transpose(whh.grad!), b_h: bih.grad, x: x.grad, h0: h0.grad }, c.grads, dtype);
    });

    it('LSTM matches torch.nn.LSTM with 2 layers (lstm_2layer), loss on the output', () => {
      expectOutputParity(new LSTM(3, 4, { numLayers: 2, batchFirst: true, dtype, backend, fused }), lstmCases.lstm_2layer, dtype);
    });

    it('LSTM gradients through h_n and c_n as well (lstm_2layer grads_full)', () => {
      const c = lstmCases.lstm_2layer;
      const lstm = new LSTM(3, 4, { numLayers: 2, batchFirst: true, dtype, backend, fused });
      const { output, hN, cN, inputs } = runCase(lstm, c, dtype);
      const w = c.loss_weights!;
      const loss = add(add(sum(mul(output, golden(w.G, dtype))), sum(mul(hN, golden(w.G_h, dtype)))), sum(mul(cN!, golden(w.G_c, dtype))));
      expectClose(loss, c.outputs.loss_full, tolerance(dtype), 'loss_full');
      loss.backward();
      expectGrads(gradsOf(lstm, inputs), c.grads_full!, dtype);
    });

    it.each(['gru_1layer', 'gru_2layer'])('GRU matches torch.nn.GRU (%s)', (name) => {
      const c = gruCases[name];
      const numLayers = c.config.num_layers as number;
      expectOutputParity(new GRU(3, 4, { numLayers, batchFirst: true, dtype, backend, fused }), c, dtype);
    });
  });

  describe.each(storedDTypes(backend, ['float64', 'float32'] as const))('cells, %s', (dtype) => {
    it('LSTMCell matches torch.nn.LSTMCell (lstm_cell)', () => {
      const c = lstmCases.lstm_cell;
      const cell = new LSTMCell(3, 4, { dtype, backend });
      cell.loadStateDict(goldens(c.params, dtype));
      const { x, h, c: c0 } = leaves(c, dtype, backend);
      const [h1, c1] = cell.forward(x, [h, c0]);
      expect(h1.backendName).toBe(backend);
      expectClose(h1, c.outputs.h1, tolerance(dtype), 'h1');
      expectClose(c1, c.outputs.c1, tolerance(dtype), 'c1');
      add(sum(mul(h1, golden(c.loss_weights!.G_h, dtype))), sum(mul(c1, golden(c.loss_weights!.G_c, dtype)))).backward();
      expectGrads(gradsOf(cell, { x, h, c: c0 }), c.grads, dtype);
    });

    it('GRUCell matches torch.nn.GRUCell (gru_cell)', () => {
      const c = gruCases.gru_cell;
      const cell = new GRUCell(3, 4, { dtype, backend });
      cell.loadStateDict(goldens(c.params, dtype));
      const { x, h } = leaves(c, dtype, backend);
      const h1 = cell.forward(x, h);
      expect(h1.backendName).toBe(backend);
      expectClose(h1, c.outputs.h1, tolerance(dtype), 'h1');
      sum(mul(h1, golden(c.loss_weight_G!, dtype))).backward();
      expectGrads(gradsOf(cell, { x, h }), c.grads, dtype);
    });

    it('RNNCell stepped over the sequence matches torch.nn.RNN (torch_nn_rnn)', () => {
      const c = rnnCases.torch_nn_rnn;
      const p = goldens(c.params, dtype);
      const cell = new RNNCell(3, 4, { dtype, backend });
      cell.loadStateDict({ weight_ih: p.weight_ih_l0, weight_hh: p.weight_hh_l0, bias_ih: p.bias_ih_l0, bias_hh: p.bias_hh_l0 });
      const { x, h0 } = leaves(c, dtype, backend);
      const G = golden(c.loss_weight_G!, dtype);
      const steps: Tensor[] = [];
      let h = reshape(h0, [2, 4]);
      for (let t = 0; t < 5; t++) {
        h = cell.forward(reshape(narrow(x, 1, t, 1), [2, 3]), h);
        steps.push(h);
      }
      const output = stack(steps, 1);
      expectClose(output, c.outputs.output, tolerance(dtype), 'output');
      sum(mul(output, G)).backward();
      expectGrads(
        { weight_ih: cell.weight_ih.grad, weight_hh: cell.weight_hh.grad, bias_ih: cell.bias_ih!.grad, bias_hh: cell.bias_hh!.grad },
        {
          weight_ih: c.grads.weight_ih_l0,
          weight_hh: c.grads.weight_hh_l0,
          bias_ih: c.grads.bias_ih_l0,
          bias_hh: c.grads.bias_hh_l0,
        },
        dtype,
      );
      expectClose(x.grad, c.grads.x, tolerance(dtype), 'x');
      expectClose(h0.grad, c.grads.h0, tolerance(dtype), 'h0');
    });
  });
}

/**
 * Packed-sequence semantics of `lengths` for RNN, LSTM and GRU layers (fused and composed) on `backend`, in its widest
 * float dtype: a padded batch equals each sequence run alone on its valid prefix, with zero outputs past the end, and
 * padded inputs get no gradient.
 *
 * @example
 * ```ts
 * recurrentLengthsSuite('cpu');
 * ```
 */
export function recurrentLengthsSuite(backend: string): void {
  const dtype = widestFloat(backend);
  // Float64 agrees to rounding; float32 batches of different sizes may sum the same products in another order.
  const tol = dtype === 'float64' ? { rtol: 1e-12, atol: 1e-12 } : { rtol: 1e-5, atol: 1e-6 };
  describe.each([
    ['RNN', true],
    ['LSTM', true],
    ['LSTM', false],
    ['GRU', true],
    ['GRU', false],
  ] as const)('%s (fused %s) with lengths', (kind, fused) => {
    const make = (): RNN | LSTM | GRU => {
      const options = { numLayers: 2, bidirectional: true, batchFirst: true, dtype, backend, generator: new Generator(3), fused };
      return kind === 'RNN' ? new RNN(3, 4, options) : kind === 'LSTM' ? new LSTM(3, 4, options) : new GRU(3, 4, options);
    };

    it('equals running each sequence alone on its valid prefix: zero outputs past the end, hN at the last valid step', () => {
      const layer = make();
      const lengths = [5, 2, 4];
      const x = randn([3, 5, 3], { generator: new Generator(4), dtype, backend });
      const h0 = randn([4, 3, 4], { generator: new Generator(5), dtype, backend });
      const padded = layer instanceof LSTM ? layer.forward(x, { h0, c0: h0, lengths }) : layer.forward(x, { h0, lengths });
      lengths.forEach((n, b) => {
        const xb = narrow(narrow(x, 0, b, 1), 1, 0, n);
        const hb = narrow(h0, 1, b, 1);
        const alone = layer instanceof LSTM ? layer.forward(xb, { h0: hb, c0: hb }) : layer.forward(xb, { h0: hb });
        expectClose(narrow(narrow(padded.output, 0, b, 1), 1, 0, n), alone.output, tol, `output of sequence ${b}`);
        expectClose(narrow(padded.hN, 1, b, 1), alone.hN, tol, `hN of sequence ${b}`);
        if ('cN' in padded && 'cN' in alone) expectClose(narrow(padded.cN as Tensor, 1, b, 1), alone.cN as Tensor, tol, `cN of sequence ${b}`);
        if (n < 5) expect(Array.from(narrow(narrow(padded.output, 0, b, 1), 1, n, 5 - n).dataSync()).every((v) => v === 0)).toBe(true);
      });
    });

    it('gives no gradient to padded inputs', () => {
      const layer = make();
      const x = randn([2, 5, 3], { generator: new Generator(4), dtype, backend }).requiresGrad_();
      const r = layer.forward(x, { lengths: [5, 3] });
      r.output.backward(randn([...r.output.shape], { generator: new Generator(6), dtype, backend }));
      const g = x.grad as Tensor;
      expect(Array.from(narrow(narrow(g, 0, 1, 1), 1, 3, 2).dataSync()).every((v) => v === 0)).toBe(true);
      expect(Array.from(narrow(narrow(g, 0, 1, 1), 1, 0, 3).dataSync()).some((v) => v !== 0)).toBe(true);
    });
  });
}
