// Step models: a language model exported as one decoding step with its state (LSTM h/c, or a key/value cache) as inputs and outputs.
import { TransformerLM } from '@seqlab/attention';
import { RecurrentLM } from '@seqlab/recurrent';
import { UnsupportedExportError } from './errors.js';
import { checkOptions, encodeModel, type ExportOnnxOptions } from './export-onnx.js';
import { GraphBuilder } from './graph-builder.js';
import { lowerRecurrentLM } from './recurrent-export.js';
import { lowerTransformerLM, transformerStepStates } from './transformer-export.js';

/** Options of {@link exportOnnxStep}: the graph name and metadata, as {@link exportOnnx} takes them. */
export type ExportOnnxStepOptions = Pick<ExportOnnxOptions, 'name' | 'metadata'>;

/** The language models {@link exportOnnxStep} can write. */
export type SteppableModel = RecurrentLM | TransformerLM;

/**
 * One state tensor of a step model: fed under `input`, returned under `output`, and fed back as the next step's input.
 *
 * @example
 * ```ts
 * const [h, c] = onnxStepStates(new RecurrentLM({ vocabSize: 10, embeddingDim: 4, hiddenSize: 8 }));
 * console.assert(h.input === 'h0' && h.output === 'hn' && c.dims.join() === '1,1,8');
 * ```
 */
export interface OnnxStepState {
  /** Input name (`h0`, `c0`, `past_key_0`, ...). */
  readonly input: string;
  /** Output name of the state after the step (`hn`, `cn`, `present_key_0`, ...). */
  readonly output: string;
  /** Dimensions of the state before the first step (all zeros; a key/value cache has 0 positions). */
  readonly dims: readonly number[];
}

function checkSteppable(model: unknown, op: string): SteppableModel {
  if (model instanceof RecurrentLM || model instanceof TransformerLM) return model;
  const kind = typeof model === 'object' && model !== null ? model.constructor.name : typeof model;
  throw new UnsupportedExportError(kind, `${op}: argument 'model' must be a RecurrentLM or a TransformerLM; received a ${kind}, which has no step model`);
}

/**
 * The state inputs and outputs of `model`'s step model (see {@link exportOnnxStep}), in the graph's order, with
 * the dimensions of the initial state at `batch`: feed zeros of those dimensions to the first step, then each
 * step's outputs to the next.
 *
 * @example
 * ```ts
 * const lm = TransformerLM.fromPreset('tiny', { vocabSize: 20 });
 * const states = onnxStepStates(lm); // past_key_0 → present_key_0, past_value_0 → present_value_0, then layer 1
 * console.assert(states[0].input === 'past_key_0' && states[0].dims.join() === '1,0,64');
 * ```
 */
export function onnxStepStates(model: SteppableModel, batch = 1): OnnxStepState[] {
  const m = checkSteppable(model, 'onnxStepStates');
  if (m instanceof TransformerLM) return transformerStepStates(m.config.numLayers).map((s) => ({ ...s, dims: [batch, 0, m.config.dModel] }));
  const names = m.config.cell === 'lstm' ? ['h', 'c'] : ['h'];
  return names.map((s) => ({ input: `${s}0`, output: `${s}n`, dims: [m.config.numLayers, batch, m.config.hiddenSize] }));
}

/**
 * Writes `model` as an ONNX step model for generation: the model's forward pass over `ids` int32
 * `[batch, sequence]` that continues from a state given as inputs and returns the state after it, so a runtime
 * generates one token per call without re-reading the prefix. Inputs `ids` then the states of
 * {@link onnxStepStates}; outputs `logits` `[batch, sequence, vocab]` then the states after the step.
 *
 * - `RecurrentLM`: `h0` (and `c0` for LSTM cells) `[layers, batch, hidden]` → `hn` (`cn`); the same graph as
 *   `exportOnnx(model, { state: true })`.
 * - `TransformerLM`: `past_key_L`, `past_value_L` `[batch, past, dModel]` per layer L (heads side by side, as
 *   seqlab's `KeyValueCache` holds them; `past` may be 0 for the prompt) → `present_key_L`, `present_value_L`
 *   `[batch, past + sequence, dModel]`; `ids` sit at positions `past …`, and `past + sequence` must not exceed
 *   `contextLength`.
 *
 * Anything else throws {@link UnsupportedExportError}.
 *
 * @example
 * ```ts
 * import * as ort from 'onnxruntime-node';
 * const lm = TransformerLM.fromPreset('tiny', { vocabSize: 20 }, { generator: new Generator(0) });
 * const session = await ort.InferenceSession.create(exportOnnxStep(lm));
 * const states = onnxStepStates(lm);
 * let feeds: Record<string, ort.Tensor> = Object.fromEntries(states.map((s) => [s.input, new ort.Tensor('float32', new Float32Array(0), [...s.dims])]));
 * let token = 1;
 * for (let i = 0; i < 5; i++) {
 *   const out = await session.run({ ...feeds, ids: new ort.Tensor('int32', Int32Array.from([token]), [1, 1]) });
 *   const logits = out.logits.data as Float32Array;
 *   token = logits.indexOf(Math.max(...logits)); // greedy
 *   feeds = Object.fromEntries(states.map((s) => [s.input, out[s.output]]));
 * }
 * ```
 */
export function exportOnnxStep(model: SteppableModel, options: ExportOnnxStepOptions = {}): Uint8Array {
  const m = checkSteppable(model, 'exportOnnxStep');
  const o = checkOptions(options, 'exportOnnxStep');
  const g = new GraphBuilder();
  if (m instanceof TransformerLM) lowerTransformerLM(g, m, true);
  else lowerRecurrentLM(g, m, true);
  return encodeModel(g, m, o);
}
