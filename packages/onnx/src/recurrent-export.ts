// Recurrent models as ONNX RNN/LSTM/GRU operators: PyTorch's gate blocks reordered to ONNX's, one operator per layer.
import { GRU, LSTM, RNN, type AnyRecurrentLayer, type RecurrentLM } from '@seqlab/recurrent';
import { floatValues, type GraphBuilder, type OnnxDim } from './graph-builder.js';
import { linear, swapLeadingAxes } from './lowering.js';

/**
 * Where each ONNX gate block comes from in PyTorch's layout: LSTM i,f,g,o → ONNX i,o,f,c; GRU r,z,n → ONNX z,r,h
 * (the GRU with `linear_before_reset = 1`, PyTorch's `r·(W_hn h + b_hn)`); the RNN has one block.
 */
const GATE_ORDER = { LSTM: [0, 3, 1, 2], GRU: [1, 0, 2], RNN: [0] } as const;

type RecurrentKind = keyof typeof GATE_ORDER;

function kindOf(layer: AnyRecurrentLayer): RecurrentKind {
  if (layer instanceof LSTM) return 'LSTM';
  if (layer instanceof GRU) return 'GRU';
  return 'RNN';
}

/** The gate blocks of `[gates·H, …]` values, moved into ONNX's order. */
function reorderGates(values: Float32Array, kind: RecurrentKind): Float32Array {
  const order = GATE_ORDER[kind];
  const block = values.length / order.length;
  const out = new Float32Array(values.length);
  order.forEach((from, to) => out.set(values.subarray(from * block, (from + 1) * block), to * block));
  return out;
}

/** Values of one direction after another, as ONNX's `[num_directions, …]` tensors hold them. */
function concatDirections(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** The values a recurrent stack leaves: the top layer's output and the final state tensors. */
export interface RecurrentStackValues {
  /** Top layer's hidden states, time-major `[seq, batch, directions·H]`. */
  readonly output: string;
  /** Final `h` (and `c` for an LSTM), `[layers·directions, batch, H]` each. */
  readonly finals: string[];
}

/**
 * Lowers a recurrent layer stack over the time-major sequence `x` `[seq, batch, inputSize]`, one ONNX operator per
 * layer, each direction's weights stacked as the operator expects. `initial` holds `h0` (and `c0`)
 * `[layers·directions, batch, H]`, or is null for zero initial states.
 */
export function lowerRecurrentStack(
  g: GraphBuilder,
  layer: AnyRecurrentLayer,
  prefix: string,
  x: string,
  initial: readonly string[] | null,
): RecurrentStackValues {
  const kind = kindOf(layer);
  const H = layer.hiddenSize;
  const dirs = layer.directions;
  const stateCount = kind === 'LSTM' ? 2 : 1;
  const finals: string[][] = Array.from({ length: stateCount }, () => []);
  let input = x;
  for (let l = 0; l < layer.numLayers; l++) {
    const suffixes = dirs === 2 ? [`_l${l}`, `_l${l}_reverse`] : [`_l${l}`];
    const cells = suffixes.map((_, d) => layer.cellParameters(l, d === 1));
    const name = (param: string, d: number): string => `${prefix}${param}${suffixes[d]}`;
    const inSize = cells[0].weightIh.shape[1];
    const gatesH = cells[0].weightIh.shape[0];
    const stacked = (pick: (d: number) => Float32Array): Float32Array => concatDirections(cells.map((_, d) => reorderGates(pick(d), kind)));
    const w = g.floats(
      `${prefix}W_l${l}`,
      stacked((d) => floatValues(name('weight_ih', d), cells[d].weightIh)),
      [dirs, gatesH, inSize],
    );
    const r = g.floats(
      `${prefix}R_l${l}`,
      stacked((d) => floatValues(name('weight_hh', d), cells[d].weightHh)),
      [dirs, gatesH, H],
    );
    let b = '';
    if (layer.bias) {
      const perDirection = cells.map((c, d) =>
        concatDirections([reorderGates(floatValues(name('bias_ih', d), c.biasIh!), kind), reorderGates(floatValues(name('bias_hh', d), c.biasHh!), kind)]),
      );
      b = g.floats(`${prefix}B_l${l}`, concatDirections(perDirection), [dirs, 2 * gatesH]);
    }
    const states = (initial ?? []).map((s) => g.op('Slice', [s, g.int64s('starts', [l * dirs]), g.int64s('ends', [(l + 1) * dirs]), g.int64s('axes', [0])]));
    const attributes: Record<string, number | string | string[]> = { hidden_size: H, direction: dirs === 2 ? 'bidirectional' : 'forward' };
    if (kind === 'GRU') attributes.linear_before_reset = 1;
    if (layer instanceof RNN) attributes.activations = new Array<string>(dirs).fill(layer.nonlinearity === 'relu' ? 'Relu' : 'Tanh');
    const inputs = [input, w, r, b, '', ...states];
    const [y, ...layerFinals] = g.ops(kind, trimOptional(inputs), 1 + stateCount, attributes);
    layerFinals.forEach((f, i) => finals[i].push(f));
    // Y is [seq, directions, batch, H]; the next layer and the head read [seq, batch, directions·H].
    input =
      dirs === 1
        ? g.op('Squeeze', [y, g.int64s('axes', [1])])
        : g.op('Reshape', [g.op('Transpose', [y], { perm: [0, 2, 1, 3] }), g.int64s('shape', [0, 0, -1])]);
  }
  return { output: input, finals: finals.map((f) => (f.length === 1 ? f[0] : g.op('Concat', f, { axis: 0 }))) };
}

/** Drops trailing empty (omitted optional) inputs. */
function trimOptional(inputs: string[]): string[] {
  let n = inputs.length;
  while (n > 0 && inputs[n - 1] === '') n--;
  return inputs.slice(0, n);
}

/** Names of the state tensors of a recurrent layer kind: `h` or `h` and `c`. */
function stateNames(layer: AnyRecurrentLayer): string[] {
  return layer instanceof LSTM ? ['h', 'c'] : ['h'];
}

/** Declares `h0` (and `c0`) inputs `[layers·directions, batch, H]` when `state` is set. */
function stateInputs(g: GraphBuilder, layer: AnyRecurrentLayer, state: boolean): string[] | null {
  if (!state) return null;
  return stateNames(layer).map((s) => g.input(`${s}0`, 'float32', [layer.numLayers * layer.directions, 'batch', layer.hiddenSize]));
}

function stateOutputs(g: GraphBuilder, layer: AnyRecurrentLayer, finals: readonly string[]): void {
  stateNames(layer).forEach((s, i) => g.output(finals[i], `${s}n`, 'float32', [layer.numLayers * layer.directions, 'batch', layer.hiddenSize]));
}

/**
 * A `RecurrentLM`: `ids` int32 `[batch, sequence]` → `logits` `[batch, sequence, vocab]`; with `state`, also
 * `h0` (`c0`) inputs and `hn` (`cn`) outputs `[layers, batch, hidden]` to generate step by step.
 */
export function lowerRecurrentLM(g: GraphBuilder, model: RecurrentLM, state: boolean): void {
  const { vocabSize } = model.config;
  const ids = g.input('ids', 'int32', ['batch', 'sequence']);
  const initial = stateInputs(g, model.rnn, state);
  // Gathering the transposed ids gives the time-major sequence the recurrent operators read.
  const x = g.op('Gather', [g.parameter('embedding.weight', model.embedding.weight), g.op('Transpose', [ids], { perm: [1, 0] })]);
  const { output, finals } = lowerRecurrentStack(g, model.rnn, 'rnn.', x, initial);
  const logits = swapLeadingAxes(g, linear(g, output, 'head', model.head));
  g.output(logits, 'logits', 'float32', ['batch', 'sequence', vocabSize]);
  if (state) stateOutputs(g, model.rnn, finals);
}

/**
 * A standalone `RNN`, `LSTM` or `GRU`: `x` → `output` in the layer's layout (`batchFirst` or not) and the final
 * `hn` (`cn`), as its `forward` returns them; with `state`, `h0` (`c0`) inputs too.
 */
export function lowerRecurrentLayer(g: GraphBuilder, layer: AnyRecurrentLayer, state: boolean): void {
  const dims = (f: number): OnnxDim[] => (layer.batchFirst ? ['batch', 'sequence', f] : ['sequence', 'batch', f]);
  const x = g.input('x', 'float32', dims(layer.inputSize));
  const initial = stateInputs(g, layer, state);
  const { output, finals } = lowerRecurrentStack(g, layer, '', layer.batchFirst ? swapLeadingAxes(g, x) : x, initial);
  g.output(layer.batchFirst ? swapLeadingAxes(g, output) : output, 'output', 'float32', dims(layer.directions * layer.hiddenSize));
  stateOutputs(g, layer, finals);
}
