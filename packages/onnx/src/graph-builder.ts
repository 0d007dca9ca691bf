// GraphBuilder: collects ONNX nodes, initializers, inputs and outputs, and encodes the ModelProto with onnx-proto.
import onnxProto, { type onnx as proto } from 'onnx-proto';
import { InvalidArgumentError, type Tensor } from '@seqlab/tensor-core';
import { UnsupportedExportError } from './errors.js';

// onnx-proto is CommonJS: Node's ESM loader exposes it as the default export only, bundlers as either.
const { onnx } = ((onnxProto as unknown as { default?: typeof onnxProto }).default ?? onnxProto) as typeof onnxProto;

/**
 * The ONNX operator set the exporter writes (the default domain). 17 is the first with `LayerNormalization`, and
 * onnxruntime supports all of it.
 *
 * @example
 * ```ts
 * readOnnxSummary(exportOnnx(model)).opset === ONNX_OPSET; // true
 * ```
 */
export const ONNX_OPSET = 17;

/**
 * The ONNX IR version that goes with {@link ONNX_OPSET} (ONNX 1.12).
 *
 * @example
 * ```ts
 * console.log(`IR ${ONNX_IR_VERSION}, opset ${ONNX_OPSET}`);
 * ```
 */
export const ONNX_IR_VERSION = 8;

/** Element types of graph inputs and outputs. */
export type OnnxElementType = 'float32' | 'int32' | 'int64';

/** A dimension: a fixed size, or a name for a dynamic axis (`batch`, `sequence`). */
export type OnnxDim = number | string;

const ELEMENT_TYPES: Record<OnnxElementType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
};

/** A number marked as a FLOAT attribute by {@link float}. */
export interface FloatAttribute {
  /** The value. */
  readonly float: number;
}

/** An attribute value: a number is an INT (use {@link float} for a FLOAT), a string, or lists of them. */
export type AttributeValue = number | string | number[] | string[] | FloatAttribute;

/**
 * Marks a number as a FLOAT attribute (plain numbers are INT attributes).
 *
 * @example
 * ```ts
 * g.op('LayerNormalization', [x, scale], { axis: -1, epsilon: float(1e-5) });
 * ```
 */
export function float(value: number): FloatAttribute {
  return { float: value };
}

function attribute(name: string, value: AttributeValue): proto.IAttributeProto {
  const { FLOAT, INT, STRING, INTS, STRINGS } = onnx.AttributeProto.AttributeType;
  if (typeof value === 'object' && !Array.isArray(value)) return { name, type: FLOAT, f: value.float };
  if (typeof value === 'number') return { name, type: INT, i: value };
  if (typeof value === 'string') return { name, type: STRING, s: new TextEncoder().encode(value) };
  if (value.every((v) => typeof v === 'string')) return { name, type: STRINGS, strings: (value as string[]).map((s) => new TextEncoder().encode(s)) };
  return { name, type: INTS, ints: value as number[] };
}

function valueInfo(name: string, type: OnnxElementType, dims: readonly OnnxDim[]): proto.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: ELEMENT_TYPES[type], shape: { dim } } } };
}

/** Little-endian bytes of a typed array (copied, so the view's offset does not matter). */
function bytesOf(values: Float32Array | Int32Array | BigInt64Array): Uint8Array {
  return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
}

/** Graph-level metadata of a model. */
export interface ModelInfo {
  /** The graph's name. */
  readonly name: string;
  /** Free text stored as the model's doc string. */
  readonly docString?: string;
  /** Key/value pairs stored in `metadata_props` (config, vocabulary size, ...). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * Builds one ONNX graph: every method adds to it and returns the names of the values it made, so lowering code reads
 * as the math it exports. Parameters become initializers once, however often they are used.
 *
 * @example
 * ```ts
 * const g = new GraphBuilder();
 * const x = g.input('x', 'float32', ['batch', 4]);
 * g.output(g.op('Relu', [x]), 'y', 'float32', ['batch', 4]);
 * const bytes = g.encode({ name: 'relu' });
 * ```
 */
export class GraphBuilder {
  private readonly nodes: proto.INodeProto[] = [];
  private readonly initializers: proto.ITensorProto[] = [];
  private readonly inputs: proto.IValueInfoProto[] = [];
  private readonly outputs: proto.IValueInfoProto[] = [];
  private readonly parameterNames = new Map<Tensor, string>();
  private readonly usedNames = new Set<string>();
  private counter = 0;

  /** A fresh value name starting with `hint`. */
  fresh(hint: string): string {
    let name = hint;
    while (this.usedNames.has(name)) name = `${hint}_${this.counter++}`;
    this.usedNames.add(name);
    return name;
  }

  /** Declares a graph input. */
  input(name: string, type: OnnxElementType, dims: readonly OnnxDim[]): string {
    this.usedNames.add(name);
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** Declares `value` a graph output under `name` (through an Identity node when the names differ). */
  output(value: string, name: string, type: OnnxElementType, dims: readonly OnnxDim[]): void {
    if (value !== name) {
      this.usedNames.add(name);
      this.nodes.push({ opType: 'Identity', input: [value], output: [name], name: `${name}_identity` });
    }
    this.outputs.push(valueInfo(name, type, dims));
  }

  /** Adds one node and returns its outputs' names (`outputs` of them; optional outputs left out stay unnamed). */
  ops(opType: string, inputs: readonly string[], outputs: number, attributes: Record<string, AttributeValue> = {}): string[] {
    const names = Array.from({ length: outputs }, () => this.fresh(opType.toLowerCase()));
    this.nodes.push({
      opType,
      name: `${names[0]}_node`,
      input: [...inputs],
      output: names,
      attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
    });
    return names;
  }

  /** Adds one node with a single output and returns its name. */
  op(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}): string {
    return this.ops(opType, inputs, 1, attributes)[0];
  }

  /** A float32 initializer from values. */
  floats(hint: string, values: Float32Array, dims: readonly number[]): string {
    const name = this.fresh(hint);
    this.initializers.push({ name, dims: [...dims], dataType: onnx.TensorProto.DataType.FLOAT, rawData: bytesOf(values) });
    return name;
  }

  /** An int64 initializer (shapes, axes, split sizes); a scalar when `dims` is `[]`. */
  int64s(hint: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    const name = this.fresh(hint);
    const data = BigInt64Array.from(values, (v) => BigInt(v));
    this.initializers.push({ name, dims: [...dims], dataType: onnx.TensorProto.DataType.INT64, rawData: bytesOf(data) });
    return name;
  }

  /** A float32 scalar initializer. */
  scalar(hint: string, value: number): string {
    return this.floats(hint, Float32Array.of(value), []);
  }

  /**
   * A model parameter as an initializer named by its `state_dict` name, added once however often it is used.
   * Throws {@link UnsupportedExportError} for a parameter that is not float32.
   */
  parameter(name: string, tensor: Tensor): string {
    const known = this.parameterNames.get(tensor);
    if (known !== undefined) return known;
    const values = floatValues(name, tensor);
    const id = this.floats(name, values, tensor.shape);
    this.parameterNames.set(tensor, id);
    return id;
  }

  /** The ModelProto bytes of the graph, with the exporter's opset and IR version. */
  encode(info: ModelInfo): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: ONNX_IR_VERSION,
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      producerName: 'seqlab',
      docString: info.docString ?? '',
      metadataProps: Object.entries(info.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: { name: info.name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

/** The float32 values of a parameter, or an {@link UnsupportedExportError} naming it. */
export function floatValues(name: string, tensor: Tensor): Float32Array {
  if (tensor.dtype !== 'float32') {
    throw new UnsupportedExportError(name, `exportOnnx: parameter '${name}' must be float32 (the exported graph is float32); received ${tensor.dtype}`);
  }
  return tensor.dataSync() as Float32Array;
}

/** A graph input or output as listed by {@link readOnnxSummary}. */
export interface OnnxValueSummary {
  /** The value's name. */
  readonly name: string;
  /** `float32`, `int32`, `int64` or the ONNX data type number for others. */
  readonly type: string;
  /** Its dimensions: sizes, or names of dynamic axes. */
  readonly dims: OnnxDim[];
}

/** What an ONNX file declares, as read back by {@link readOnnxSummary}. */
export interface OnnxSummary {
  /** Graph inputs (initializers excluded). */
  readonly inputs: OnnxValueSummary[];
  /** Graph outputs. */
  readonly outputs: OnnxValueSummary[];
  /** Opset of the default domain. */
  readonly opset: number;
  /** Number of nodes in the graph. */
  readonly nodes: number;
  /** Number of stored parameter values. */
  readonly initializers: number;
  /** Size of the file in bytes. */
  readonly bytes: number;
}

function summaryOf(info: proto.IValueInfoProto): OnnxValueSummary {
  const tensorType = info.type?.tensorType;
  const elem = tensorType?.elemType ?? 0;
  const type = (Object.keys(ELEMENT_TYPES) as OnnxElementType[]).find((k) => ELEMENT_TYPES[k] === elem) ?? String(elem);
  const dims = (tensorType?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue ?? 0)));
  return { name: info.name ?? '', type, dims };
}

/**
 * Decodes an ONNX ModelProto and lists its inputs, outputs, opset and size, e.g. to print what an exported file
 * expects. Throws an `InvalidArgumentError` when the bytes are not a ModelProto.
 *
 * @example
 * ```ts
 * const summary = readOnnxSummary(exportOnnx(model));
 * console.log(summary.inputs.map((i) => `${i.name} [${i.dims.join(', ')}]`).join(', '), summary.opset);
 * ```
 */
export function readOnnxSummary(bytes: Uint8Array): OnnxSummary {
  let model: proto.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new InvalidArgumentError(`readOnnxSummary: argument 'bytes' must be an ONNX ModelProto; decoding failed: ${(error as Error).message}`);
  }
  const graph = model.graph;
  const initialized = new Set((graph?.initializer ?? []).map((t) => t.name));
  return {
    inputs: (graph?.input ?? []).filter((i) => !initialized.has(i.name)).map(summaryOf),
    outputs: (graph?.output ?? []).map(summaryOf),
    opset: Number(model.opsetImport.find((o) => (o.domain ?? '') === '')?.version ?? 0),
    nodes: graph?.node?.length ?? 0,
    initializers: graph?.initializer?.length ?? 0,
    bytes: bytes.length,
  };
}
