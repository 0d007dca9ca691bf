// Public entry point of @seqlab/onnx: ONNX export of seqlab's language models and layers, and reading a file's summary.
export { exportOnnx, saveOnnx } from './export-onnx.js';
export type { ExportableModel, ExportOnnxOptions } from './export-onnx.js';
export { UnsupportedExportError } from './errors.js';
export { GraphBuilder, ONNX_IR_VERSION, ONNX_OPSET, float, readOnnxSummary } from './graph-builder.js';
export type { AttributeValue, FloatAttribute, ModelInfo, OnnxDim, OnnxElementType, OnnxSummary, OnnxValueSummary } from './graph-builder.js';
export { exportOnnxStep, onnxStepStates } from './step-export.js';
export type { ExportOnnxStepOptions, OnnxStepState, SteppableModel } from './step-export.js';
