// UnsupportedExportError: the typed error for a model, layer or parameter that has no ONNX mapping.
import { InvalidArgumentError } from '@seqlab/tensor-core';

/**
 * Thrown by `exportOnnx` when a model holds something the exporter cannot write as ONNX (a module kind with no
 * mapping, a float64 parameter, ...); no bytes or file are produced. It is an `InvalidArgumentError` (code
 * `INVALID_ARGUMENT`) whose {@link layer} names the module class or parameter at fault.
 *
 * @example
 * ```ts
 * try {
 *   exportOnnx(new RecurrentLM(config, { dtype: 'float64' })); // the exported graph is float32
 * } catch (error) {
 *   if (error instanceof UnsupportedExportError) console.error(`cannot export ${error.layer}`);
 * }
 * ```
 */
export class UnsupportedExportError extends InvalidArgumentError {
  /** The module class (e.g. `Seq2Seq`) or parameter name that has no ONNX mapping. */
  readonly layer: string;

  constructor(layer: string, message: string) {
    super(message);
    this.layer = layer;
  }
}
