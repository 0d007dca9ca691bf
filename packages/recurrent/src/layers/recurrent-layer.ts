// The multi-layer, optionally bidirectional recurrent layer shared by RNN, LSTM and GRU: parameters, checks, time loop.
import { Module } from '@seqlab/autograd';
import {
  bernoulli,
  concat,
  defaultGenerator,
  formatShape,
  mul,
  reshape,
  ShapeMismatchError,
  stack,
  transpose,
  where,
  zeros,
  type Generator,
  type Tensor,
} from '@seqlab/tensor-core';
import { inputProjection } from '../cells/cell-math.js';
import { checkSizes, createCellParameters, type CellOptions, type CellParameters } from '../cells/cell-parameters.js';
import { checkBoolean, checkDTypeIs, checkIntegerAtLeast, checkRange, checkShapeIs, checkTensorArg } from '../validate.js';
import { checkLengths, stepMasks, type SequenceLengths } from './sequence-lengths.js';
import { unbind } from './unbind.js';

/** Options of {@link RNN}, {@link LSTM} and {@link GRU}. */
export interface RecurrentLayerOptions extends CellOptions {
  /** Stacked layers; layer l > 0 reads layer l−1's output sequence. Default 1. */
  numLayers?: number;
  /** Run a second direction from the end of each sequence and concatenate both outputs. Default false. */
  bidirectional?: boolean;
  /** `x` and `output` are `[batch, seq, feature]` instead of `[seq, batch, feature]`. States stay `[layers·dirs, batch, hidden]`. Default false. */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, in training mode. Default 0. */
  dropout?: number;
  /** Use the backend's fused sequence kernels when it has them (LSTM and GRU). Default true. */
  fused?: boolean;
}

/** Inputs besides `x` of a recurrent layer's `forward`. */
export interface RecurrentForwardOptions {
  /** Initial hidden state `[numLayers·directions, batch, hiddenSize]` (without the batch axis for unbatched `x`); zeros when omitted. */
  h0?: Tensor | null;
  /**
   * Valid length of each sequence of a padded batch (`1..seq`). Outputs past a sequence's end are 0 and the final
   * state is the one at its last valid step, as with PyTorch's packed sequences.
   */
  lengths?: SequenceLengths | null;
}

/** Result of a recurrent layer's `forward`. */
export interface RecurrentOutput {
  /** Top layer's hidden states at every step: `[seq, batch, directions·hiddenSize]` (`[batch, seq, …]` when `batchFirst`). */
  readonly output: Tensor;
  /** Final hidden state of every layer and direction: `[numLayers·directions, batch, hiddenSize]`. */
  readonly hN: Tensor;
}

/**
 * Called with the hidden state after time step `t` of a layer direction; whatever it returns replaces that state.
 * The gradient-flow probe uses it to attach a zero perturbation whose gradient is ∂L/∂h_t.
 * @internal
 */
export type StepHook = (layer: number, direction: number, t: number, h: Tensor) => Tensor;

/** A checked sequence input, time-major. */
interface SequenceInput {
  /** `x` time-major `[seq, batch, inputSize]`, or as given `[batch, seq, inputSize]` when `batchFirst`. */
  readonly x: Tensor;
  readonly steps: number;
  readonly batch: number;
  readonly unbatched: boolean;
  /** The layer is batch-first and `x` batched. */
  readonly batchFirst: boolean;
}

/** The recurrent state of one layer direction: `[h]` or `[h, c]`, each `[batch, hiddenSize]`. */
export type DirectionState = Tensor[];

/** One layer direction run over a sequence: its output `[seq, batch, hiddenSize]` and final state. */
export interface DirectionResult {
  /** Hidden states at every step, time-major. */
  readonly output: Tensor;
  /** Final state tensors, `[batch, hiddenSize]` each. */
  readonly state: DirectionState;
}

/**
 * Runs one layer direction over the time-major `x`: as one fused op when the backend has the kernels and `fused` allows,
 * else `composed` (the step loop of the layer's step equations).
 */
export type DirectionRunner = (
  x: Tensor,
  state: DirectionState,
  cell: CellParameters,
  lengths: Int32Array | null,
  reverse: boolean,
  batchFirst: boolean,
  fused: boolean,
  composed: () => DirectionResult,
) => DirectionResult;

/**
 * Base of {@link RNN}, {@link LSTM} and {@link GRU}: registers the parameters under PyTorch's names
 * (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, `…_reverse`, layer by layer), checks inputs and runs
 * the layers and directions. Subclasses give the step equations and, where a backend has one, the fused kernel.
 *
 * @example
 * ```ts
 * const layers: RecurrentLayer[] = [new RNN(3, 4), new LSTM(3, 4, { numLayers: 2 }), new GRU(3, 4, { bidirectional: true })];
 * for (const layer of layers) console.assert(layer.inputSize === 3 && layer.hiddenSize === 4);
 * const gru = layers[2];
 * console.assert(gru.directions === 2 && gru.cellParameters(0, true).weightIh.shape.join() === '12,3'); // weight_ih_l0_reverse
 * ```
 */
export abstract class RecurrentLayer extends Module {
  /** Features per step of `x`. */
  readonly inputSize: number;
  /** Hidden state size of every layer. */
  readonly hiddenSize: number;
  /** Number of stacked layers. */
  readonly numLayers: number;
  /** Whether each layer also runs backwards over the sequence. */
  readonly bidirectional: boolean;
  /** Whether `x` and `output` are batch-major. */
  readonly batchFirst: boolean;
  /** Dropout probability between layers. */
  readonly dropout: number;
  /** Whether the layers have biases. */
  readonly bias: boolean;
  /** Whether to use a backend's fused kernels when it has them; set false to force the composed ops. */
  fused: boolean;
  /** Number of gate blocks in the weights (1 RNN, 4 LSTM, 3 GRU). */
  protected readonly gateCount: number;
  /** Parameters per layer and direction (the same tensors as the named fields). */
  private readonly cells: CellParameters[][];
  private readonly dropoutGenerator: Generator | null;
  private readonly name: string;

  protected constructor(name: string, gateCount: number, inputSize: number, hiddenSize: number, options: RecurrentLayerOptions) {
    super();
    checkSizes(name, inputSize, hiddenSize);
    this.name = name;
    this.gateCount = gateCount;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = checkIntegerAtLeast(name, 'numLayers', options.numLayers ?? 1, 1);
    this.bidirectional = checkBoolean(name, 'bidirectional', options.bidirectional, false, 'option');
    this.batchFirst = checkBoolean(name, 'batchFirst', options.batchFirst, false, 'option');
    this.dropout = checkRange(name, 'dropout', options.dropout ?? 0, 0, 1);
    this.bias = checkBoolean(name, 'bias', options.bias, true, 'option');
    this.fused = checkBoolean(name, 'fused', options.fused, true, 'option');
    this.dropoutGenerator = options.generator ?? null;
    const directions = this.bidirectional ? 2 : 1;
    this.cells = [];
    const fields = this as unknown as Record<string, unknown>;
    for (let l = 0; l < this.numLayers; l++) {
      const row: CellParameters[] = [];
      for (let d = 0; d < directions; d++) {
        const p = createCellParameters(name, gateCount, l === 0 ? inputSize : hiddenSize * directions, hiddenSize, options);
        const suffix = `_l${l}${d === 1 ? '_reverse' : ''}`;
        fields[`weight_ih${suffix}`] = p.weightIh;
        fields[`weight_hh${suffix}`] = p.weightHh;
        if (p.biasIh !== null) fields[`bias_ih${suffix}`] = p.biasIh;
        if (p.biasHh !== null) fields[`bias_hh${suffix}`] = p.biasHh;
        row.push(p);
      }
      this.cells.push(row);
    }
  }

  /** 2 for a bidirectional layer, else 1. */
  get directions(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** The parameters of `layer` in the forward (`reverse` false) or backward direction. */
  cellParameters(layer: number, reverse = false): CellParameters {
    checkIntegerAtLeast(`${this.name}.cellParameters`, 'layer', layer, 0);
    if (layer >= this.numLayers || (reverse && !this.bidirectional)) {
      throw new ShapeMismatchError(
        `${this.name}.cellParameters: argument 'layer' must be below numLayers (${this.numLayers})${reverse ? ' and the layer must be bidirectional' : ''}; received ${layer}`,
      );
    }
    return this.cells[layer][reverse ? 1 : 0];
  }

  /** One step of the recurrence with composed ops: `xProj` is the input side of the gates, `[batch, gates·H]`. @internal */
  protected abstract step(xProj: Tensor, state: DirectionState, cell: CellParameters): DirectionState;

  /** The whole direction: the backend's fused kernel when it has one and `fused` allows, else `composed`. @internal */
  protected abstract readonly runSequence: DirectionRunner;

  /** Checks `x`; an unbatched one is viewed `[seq, 1, inputSize]`, a batched one is kept in the layer's layout. */
  private checkInput(op: string, value: unknown): SequenceInput {
    const x = checkTensorArg(op, 'x', value);
    const layout = this.batchFirst ? `[batch, seq, ${this.inputSize}]` : `[seq, batch, ${this.inputSize}]`;
    if ((x.rank !== 2 && x.rank !== 3) || x.shape[x.rank - 1] !== this.inputSize) {
      throw new ShapeMismatchError(
        `${op}: argument 'x' must have shape ${layout} (or [seq, ${this.inputSize}] unbatched), the last dimension being inputSize ${this.inputSize}; received shape ${formatShape(x.shape)}`,
      );
    }
    checkDTypeIs(op, 'x', x, this.cells[0][0].weightIh.dtype);
    if (x.rank === 2) {
      if (x.shape[0] === 0) throw new ShapeMismatchError(`${op}: argument 'x' must have at least one time step; received shape ${formatShape(x.shape)}`);
      return { x: reshape(x, [x.shape[0], 1, this.inputSize]), steps: x.shape[0], batch: 1, unbatched: true, batchFirst: false };
    }
    const batch = this.batchFirst ? x.shape[0] : x.shape[1];
    const steps = this.batchFirst ? x.shape[1] : x.shape[0];
    if (batch === 0)
      throw new ShapeMismatchError(`${op}: argument 'x' must hold at least one sequence; received an empty batch, shape ${formatShape(x.shape)} (${layout})`);
    if (steps === 0) throw new ShapeMismatchError(`${op}: argument 'x' must have at least one time step; received shape ${formatShape(x.shape)} (${layout})`);
    return { x, steps, batch, unbatched: false, batchFirst: this.batchFirst };
  }

  /** Checks an initial state argument (`h0`, `c0`) and splits it per layer direction; zeros when absent. @internal */
  protected initialStates(op: string, name: string, value: unknown, input: SequenceInput, like: Tensor): Tensor[] {
    const count = this.numLayers * this.directions;
    const H = this.hiddenSize;
    if (value === undefined || value === null) {
      const z = zeros([input.batch, H], { dtype: like.dtype, backend: like.backendName });
      return new Array<Tensor>(count).fill(z);
    }
    const s = checkTensorArg(op, name, value);
    if (input.unbatched) checkShapeIs(op, name, s, [count, H], '[numLayers·directions, hiddenSize] for an unbatched input');
    else checkShapeIs(op, name, s, [count, input.batch, H], '[numLayers·directions, batch, hiddenSize], not batch-first');
    checkDTypeIs(op, name, s, like.dtype);
    return unbind(input.unbatched ? reshape(s, [count, 1, H]) : s);
  }

  /**
   * Runs every layer and direction. `states[k]` holds the initial state tensors of layer direction k (as many as
   * the cell has: h, or h and c); the result's `states` the final ones, stacked `[layers·dirs, batch, H]`.
   * @internal
   */
  protected run(op: string, x: unknown, lengthsArg: unknown, stateArgs: readonly [string, unknown][], hook?: StepHook): { output: Tensor; states: Tensor[] } {
    const input = this.checkInput(op, x);
    if (input.unbatched && lengthsArg !== undefined && lengthsArg !== null) {
      throw new ShapeMismatchError(`${op}: argument 'lengths' needs a batched 'x'; received an unbatched 'x' of shape ${formatShape((x as Tensor).shape)}`);
    }
    const lengths = checkLengths(op, lengthsArg, input.batch, input.steps);
    const like = this.cells[0][0].weightIh;
    const initial = stateArgs.map(([name, value]) => this.initialStates(op, name, value, input, like));
    const masks = lengths === null ? null : stepMasks(lengths, input.steps, like.backendName);
    // Batch-first sequences go to the directions as they are (the fused kernels take them so; the composed steps
    // transpose them); a step hook needs the time-major steps throughout.
    const batchMajor = input.batchFirst && hook === undefined;
    const layerInput = input.batchFirst && !batchMajor ? transpose(input.x, 0, 1) : input.x;
    const { output: layerOutput, finals } = this.runLayers(layerInput, initial, lengths, masks, hook, batchMajor);
    let output = layerOutput;
    let states = finals.map((f) => stack(f, 0));
    if (input.unbatched) {
      output = reshape(output, [input.steps, output.shape[2]]);
      states = states.map((s) => reshape(s, [s.shape[0], s.shape[2]]));
    } else if (input.batchFirst && !batchMajor) output = transpose(output, 0, 1);
    return { output, states };
  }

  /**
   * Every layer and direction over `x`, time-major `[T, B, I]` (`[B, T, I]` when `batchFirst`, the output likewise),
   * from `initial[i][k]`, state tensor i (h, or h and c) of layer direction k; returns the top layer's output and the
   * final states in the same per-direction form.
   */
  private runLayers(
    x: Tensor,
    initial: readonly (readonly Tensor[])[],
    lengths: Int32Array | null,
    masks: (Tensor | null)[] | null,
    hook: StepHook | undefined,
    batchFirst: boolean,
  ): { output: Tensor; finals: Tensor[][] } {
    const finals: Tensor[][] = initial.map(() => []);
    let layerInput = x;
    for (let l = 0; l < this.numLayers; l++) {
      const outputs: Tensor[] = [];
      for (let d = 0; d < this.directions; d++) {
        const k = l * this.directions + d;
        const state0 = initial.map((s) => s[k]);
        const directionHook = hook === undefined ? undefined : (t: number, h: Tensor): Tensor => hook(l, d, t, h);
        const r = this.runDirection(layerInput, state0, this.cells[l][d], lengths, masks, d === 1, batchFirst, directionHook);
        outputs.push(r.output);
        r.state.forEach((s, i) => finals[i].push(s));
      }
      layerInput = outputs.length === 1 ? outputs[0] : concat(outputs, 2);
      if (l < this.numLayers - 1) layerInput = this.dropoutBetweenLayers(layerInput);
    }
    return { output: layerInput, finals };
  }

  /**
   * One call of step-by-step decoding (language models): time-major `x` `[T, B, inputSize]` from the per-direction
   * states the previous call returned (`states[i][k]`, state tensor i of layer direction k; null for zeros, with
   * `stateCount` tensors per direction), returning the output `[T, B, directions·H]` and the final states in the
   * same form. Unlike `forward`, the states are not split and stacked again at every call. Nothing is checked:
   * callers pass what they got back.
   * @internal
   */
  runDecoding(x: Tensor, states: readonly (readonly Tensor[])[] | null, stateCount: number): { output: Tensor; states: Tensor[][] } {
    const count = this.numLayers * this.directions;
    const like = this.cells[0][0].weightIh;
    const initial =
      states ??
      Array.from({ length: stateCount }, () =>
        new Array<Tensor>(count).fill(zeros([x.shape[1], this.hiddenSize], { dtype: like.dtype, backend: like.backendName })),
      );
    const { output, finals } = this.runLayers(x, initial, null, null, undefined, false);
    return { output, states: finals };
  }

  private dropoutBetweenLayers(x: Tensor): Tensor {
    if (!this.training || this.dropout === 0) return x;
    if (this.dropout === 1) return mul(x, 0);
    const keep = bernoulli(1 - this.dropout, x.shape, { generator: this.dropoutGenerator ?? defaultGenerator(), dtype: x.dtype, backend: x.backendName });
    return mul(x, mul(keep, 1 / (1 - this.dropout)));
  }

  /**
   * One layer direction over the sequence `x` (time-major, or batch-first when `batchFirst`, the output likewise):
   * fused when possible, else step by step with composed ops.
   */
  private runDirection(
    x: Tensor,
    state0: DirectionState,
    cell: CellParameters,
    lengths: Int32Array | null,
    masks: (Tensor | null)[] | null,
    reverse: boolean,
    batchFirst: boolean,
    hook: ((t: number, h: Tensor) => Tensor) | undefined,
  ): DirectionResult {
    const composed = (): DirectionResult => {
      const timeMajor = batchFirst ? transpose(x, 0, 1) : x;
      const steps = timeMajor.shape[0];
      // One product projects the inputs of every step; only the recurrent product stays inside the loop.
      const xProj = unbind(inputProjection(timeMajor, cell.weightIh, cell.biasIh));
      const outputs = new Array<Tensor>(steps);
      let state = state0;
      for (let s = 0; s < steps; s++) {
        const t = reverse ? steps - 1 - s : s;
        let next = this.step(xProj[t], state, cell);
        if (hook !== undefined) next = [hook(t, next[0]), ...next.slice(1)];
        const mask = masks?.[t] ?? null;
        if (mask === null) outputs[t] = next[0];
        else {
          // Finished sequences keep their state and output zeros, as packed sequences do.
          const previous = state;
          next = next.map((n, i) => where(mask, n, previous[i]));
          outputs[t] = where(mask, next[0], 0);
        }
        state = next;
      }
      const output = stack(outputs, 0);
      return { output: batchFirst ? transpose(output, 0, 1) : output, state };
    };
    return this.runSequence(x, state0, cell, lengths, reverse, batchFirst, hook === undefined && this.fused, composed);
  }
}
