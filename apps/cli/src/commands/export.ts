// `seqlab export --onnx OUT --checkpoint FILE`: a trained model as an ONNX file for onnxruntime, with a one-line summary.
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { saveOnnx, type OnnxSummary, type OnnxValueSummary } from '@seqlab/onnx';
import type { Command } from 'commander';
import { loadModel } from '../checkpoint/load-model.js';
import { asUserInput, UsageError } from '../usage-error.js';
import { printJson, type CommandIO } from './command-io.js';
import { languageModelSpecOf } from '@seqlab/recurrent';

interface ExportOptions {
  onnx: string;
  checkpoint: string;
  state?: boolean;
  force?: boolean;
  json?: boolean;
}

/** Refuses an output path that cannot be written before any work starts. */
function checkOutput(path: string, force: boolean): string {
  const file = resolve(path);
  const dir = dirname(file);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--onnx '${path}': the folder ${dir} does not exist`);
  if (existsSync(file)) {
    if (statSync(file).isDirectory()) throw new UsageError(`--onnx '${path}' is a directory; give a file name such as model.onnx`);
    if (!force) throw new UsageError(`--onnx '${path}' already exists; pass --force to replace it`);
  }
  return file;
}

function describeValues(values: readonly OnnxValueSummary[]): string {
  return values.map((v) => `${v.name} ${v.type} [${v.dims.join(', ')}]`).join(', ');
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

async function runExport(opts: ExportOptions, io: CommandIO): Promise<void> {
  const file = checkOutput(opts.onnx, opts.force ?? false);
  const { model } = await loadModel(opts.checkpoint);
  const spec = languageModelSpecOf(model);
  const metadata = { seqlab_model: JSON.stringify(spec) };
  // Every model the CLI trains is a RecurrentLM or a TransformerLM, both exportable.
  const summary: OnnxSummary = await asUserInput(`export of '${opts.checkpoint}'`, () => saveOnnx(model, file, { state: opts.state ?? false, metadata }));
  if (opts.json) {
    printJson(io, { file, model: spec.kind, inputs: summary.inputs, outputs: summary.outputs, opset: summary.opset, bytes: summary.bytes });
    return;
  }
  io.stdout.write(
    `wrote ${io.out.bold(opts.onnx)}: inputs ${describeValues(summary.inputs)}; outputs ${describeValues(summary.outputs)}; ` +
      `opset ${summary.opset}; ${formatSize(summary.bytes)}\n`,
  );
}

/** Registers `export` on `program`. */
export function registerExport(program: Command, io: CommandIO): void {
  program
    .command('export')
    .description("write a checkpoint's model as an ONNX file, to run with onnxruntime")
    .requiredOption('--onnx <file>', 'the ONNX file to write')
    .requiredOption('--checkpoint <file>', 'a checkpoint written by seqlab train or seqlab demo')
    .option('--state', 'recurrent models: add h0/c0 inputs and hn/cn outputs, to generate step by step')
    .option('--force', 'replace an existing --onnx file')
    .option('--json', 'print one JSON object')
    .addHelpText(
      'after',
      `
The file uses ONNX opset 17 with dynamic batch and sequence axes: input ids (int32 [batch, sequence]),
output logits (float32 [batch, sequence, vocab]); a Transformer takes at most its context length.

Examples:
  $ seqlab export --onnx lstm.onnx --checkpoint runs/lstm/checkpoint.safetensors
  $ seqlab export --onnx lstm-stateful.onnx --checkpoint runs/lstm/checkpoint.safetensors --state`,
    )
    .action(async (opts: ExportOptions) => runExport(opts, io));
}
