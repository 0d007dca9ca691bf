// exportOnnx: picks the lowering for a model, encodes the ONNX ModelProto; saveOnnx writes it to a file in Node.
import { MultiHeadAttention, TransformerEncoderLayer, TransformerLM } from '@seqlab/attention';
import { writeFileAtomic, type Module } from '@seqlab/autograd';
import { GRU, LSTM, RecurrentLM, RNN } from '@seqlab/recurrent';
import { InvalidArgumentError } from '@seqlab/tensor-core';
import { UnsupportedExportError } from './errors.js';
import { GraphBuilder, readOnnxSummary, type OnnxSummary } from './graph-builder.js';
import { lowerRecurrentLayer, lowerRecurrentLM } from './recurrent-export.js';
import { lowerEncoderLayer, lowerMultiHeadAttention, lowerTransformerLM } from './transformer-export.js';

/** Options of {@link exportOnnx}. */
export interface ExportOnnxOptions {
  /**
   * Recurrent models: add `h0` (and `c0` for an LSTM) inputs `[layers·directions, batch, hidden]`, so a deployed
   * model can continue from a previous call; a `RecurrentLM` then also outputs `hn` (`cn`). Standalone recurrent
   * layers always output `hn` (`cn`), as their `forward` does. Default false.
   */
  state?: boolean;
  /** `MultiHeadAttention` and `TransformerEncoderLayer`: mask as `isCausal: true` does. Default false. */
  causal?: boolean;
  /** Graph name. Default the model's class name. */
  name?: string;
  /** Key/value strings stored in the model's `metadata_props`. */
  metadata?: Readonly<Record<string, string>>;
}

/** The model classes {@link exportOnnx} can write. */
export type ExportableModel = RecurrentLM | TransformerLM | LSTM | GRU | RNN | TransformerEncoderLayer | MultiHeadAttention;

const SUPPORTED = 'RecurrentLM, TransformerLM, LSTM, GRU, RNN, TransformerEncoderLayer, MultiHeadAttention';

function lower(g: GraphBuilder, model: unknown, options: ExportOnnxOptions): void {
  const state = options.state ?? false;
  const causal = options.causal ?? false;
  if (model instanceof RecurrentLM) return lowerRecurrentLM(g, model, state);
  if (model instanceof TransformerLM) return lowerTransformerLM(g, model);
  if (model instanceof LSTM || model instanceof GRU || model instanceof RNN) return lowerRecurrentLayer(g, model, state);
  if (model instanceof TransformerEncoderLayer) return lowerEncoderLayer(g, model, causal);
  if (model instanceof MultiHeadAttention) return lowerMultiHeadAttention(g, model, causal);
  const kind = typeof model === 'object' && model !== null ? model.constructor.name : typeof model;
  throw new UnsupportedExportError(kind, `exportOnnx: argument 'model' must be one of ${SUPPORTED}; received a ${kind}, which has no ONNX mapping`);
}

/** Checks the options object and its boolean fields; `op` names the calling function in errors. */
export function checkOptions(options: unknown, op = 'exportOnnx'): ExportOnnxOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`${op}: argument 'options' must be an object; received ${String(options)}`);
  }
  const o = options as ExportOnnxOptions;
  for (const key of ['state', 'causal'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') {
      throw new InvalidArgumentError(`${op}: option '${key}' must be a boolean; received ${String(o[key])}`);
    }
  }
  return o;
}

/**
 * Writes `model` as an ONNX model (opset 17, IR version 8, float32) and returns the ModelProto bytes. Batch and
 * sequence axes are dynamic; the graph computes the model's inference forward pass (dropout off). Inputs and outputs:
 *
 * - `RecurrentLM`: `ids` int32 `[batch, sequence]` → `logits` `[batch, sequence, vocab]` (+ `h0`/`c0` → `hn`/`cn`
 *   with `state`), on ONNX's RNN/LSTM/GRU operators, one per layer.
 * - `TransformerLM`: `ids` int32 `[batch, sequence]` → `logits`; at most `contextLength` positions.
 * - `LSTM`, `GRU`, `RNN`: `x` → `output`, `hn` (`cn`), in the layer's layout (+ `h0`/`c0` with `state`).
 * - `TransformerEncoderLayer`: `src` → `output`; `MultiHeadAttention`: `query`, `key`, `value` → `output`.
 *
 * Anything else, or a parameter that is not float32, throws {@link UnsupportedExportError} before any byte is made.
 *
 * @example
 * ```ts
 * import * as ort from 'onnxruntime-node';
 * const model = new RecurrentLM({ vocabSize: 65, embeddingDim: 32, hiddenSize: 64 });
 * const session = await ort.InferenceSession.create(exportOnnx(model));
 * const ids = new ort.Tensor('int32', Int32Array.from([1, 2, 3]), [1, 3]);
 * const { logits } = await session.run({ ids }); // [1, 3, 65]
 * ```
 */
export function exportOnnx(model: ExportableModel, options: ExportOnnxOptions = {}): Uint8Array {
  const o = checkOptions(options);
  const g = new GraphBuilder();
  lower(g, model, o);
  return encodeModel(g, model, o);
}

/** The ModelProto bytes of a lowered graph, named after `options.name` or the model's class. */
export function encodeModel(g: GraphBuilder, model: Module, options: Pick<ExportOnnxOptions, 'name' | 'metadata'>): Uint8Array {
  const name = options.name ?? model.constructor.name;
  return g.encode({ name, docString: `${name} exported by @seqlab/onnx`, metadata: options.metadata });
}

/**
 * Exports `model` with {@link exportOnnx} and writes the file atomically (a temporary file renamed over `path`), then
 * returns what it declares. Node.js only (elsewhere it throws `UnsupportedRuntimeError`); nothing is written when
 * the model cannot be exported.
 *
 * @example
 * ```ts
 * const summary = await saveOnnx(model, 'model.onnx');
 * console.log(`${summary.bytes} bytes, opset ${summary.opset}`);
 * ```
 */
export async function saveOnnx(model: ExportableModel, path: string, options: ExportOnnxOptions = {}): Promise<OnnxSummary> {
  if (typeof path !== 'string' || path.length === 0) {
    throw new InvalidArgumentError(`saveOnnx: argument 'path' must be a non-empty string; received ${String(path)}`);
  }
  const bytes = exportOnnx(model, options);
  await writeFileAtomic(path, bytes);
  return readOnnxSummary(bytes);
}
