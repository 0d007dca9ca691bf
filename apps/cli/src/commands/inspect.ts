// `seqlab inspect FILE`: a checkpoint's metadata, tensors (names, dtypes, shapes) and parameter count.
import { readFile } from 'node:fs/promises';
import { decodeSafetensors, readSafetensorsHeader, sizeOf } from '@seqlab/tensor-core';
import type { Command } from 'commander';
import { formatCount } from '../report/format.js';
import { formatTable } from '../report/text-table.js';
import { asUserInput } from '../usage-error.js';
import { isModelTensorName } from '../checkpoint/checkpoint-layout.js';
import { MODEL_KINDS, type ModelKind, type ModelSpec } from '../models/model-spec.js';
import { buildModel } from '../models/model-factory.js';
import { printJson, type CommandIO } from './command-io.js';

/** What `inspect --json` prints. */
export interface InspectReport {
  /** The file as given. */
  readonly file: string;
  /** Its size in bytes. */
  readonly bytes: number;
  /** The `__metadata__` strings, as stored. */
  readonly metadata: Record<string, string>;
  /** Every tensor in file order. */
  readonly tensors: { name: string; dtype: string; shape: number[]; size: number; parameter: boolean }[];
  /**
   * Trainable parameters: counted on the model rebuilt from the checkpoint's config when it is a seqlab language
   * model (so a weight stored twice, such as a head tied to the embedding, counts once), else the elements of
   * every tensor that is not optimizer state.
   */
  readonly parameterCount: number;
  /** The model kind, for seqlab language-model checkpoints. */
  readonly model: string | null;
}

/** Parameters of the model a seqlab checkpoint's config describes, or null for any other safetensors file. */
function modelParameters(metadata: Record<string, string>): { kind: string; count: number } | null {
  let spec: unknown;
  try {
    spec = JSON.parse(metadata.config ?? 'null');
  } catch {
    return null;
  }
  if (typeof spec !== 'object' || spec === null) return null;
  const { kind, config } = spec as Partial<ModelSpec>;
  if (!(MODEL_KINDS as readonly unknown[]).includes(kind) || typeof config !== 'object' || config === null) return null;
  try {
    return { kind: kind as string, count: buildModel({ kind: kind as ModelKind, config }).numParameters() };
  } catch {
    return null;
  }
}

const METADATA_PREVIEW = 96;

/** Reads and fully validates a safetensors file (header and data), then describes it. */
export async function inspectCheckpoint(file: string): Promise<InspectReport> {
  const bytes = await asUserInput(`checkpoint '${file}'`, () => readFile(file));
  const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = await asUserInput(`checkpoint '${file}'`, () => {
    const h = readSafetensorsHeader(view);
    // Decoding checks every tensor's bytes too, so a file that inspects cleanly also loads.
    decodeSafetensors(view, { backend: 'cpu' });
    return h;
  });
  const tensors = header.entries.map((e) => ({
    name: e.name,
    dtype: e.dtype,
    shape: [...e.shape],
    size: sizeOf(e.shape),
    parameter: isModelTensorName(e.name),
  }));
  const rebuilt = modelParameters(header.metadata);
  const parameterCount = rebuilt?.count ?? tensors.reduce((n, t) => n + (t.parameter ? t.size : 0), 0);
  return { file, bytes: bytes.byteLength, metadata: header.metadata, tensors, parameterCount, model: rebuilt?.kind ?? null };
}

function preview(value: string): string {
  const line = value.replace(/\s+/g, ' ');
  return line.length > METADATA_PREVIEW ? `${line.slice(0, METADATA_PREVIEW - 1)}… (${formatCount(value.length)} characters)` : line;
}

/** Registers `inspect` on `program`. */
export function registerInspect(program: Command, io: CommandIO): void {
  program
    .command('inspect')
    .description("show a checkpoint's metadata, tensor names, dtypes, shapes and parameter count")
    .argument('<file>', 'a .safetensors checkpoint (any safetensors file works)')
    .option('--json', 'print one JSON object instead of text')
    .addHelpText(
      'after',
      `
Examples:
  $ seqlab inspect seqlab-runs/lstm/checkpoint.safetensors
  $ seqlab inspect model.safetensors --json`,
    )
    .action(async (file: string, opts: { json?: boolean }) => {
      const report = await inspectCheckpoint(file);
      if (opts.json) {
        printJson(io, report);
        return;
      }
      const { bold } = io.out;
      const modelTensors = report.tensors.filter((t) => t.parameter);
      const lines = [
        `${bold(report.file)}  ${formatCount(report.bytes)} bytes`,
        ...(report.model !== null ? [`${bold('model')}  ${report.model}`] : []),
        `${bold('parameters')}  ${formatCount(report.parameterCount)} in ${modelTensors.length} tensors` +
          (modelTensors.length < report.tensors.length ? ` (plus ${report.tensors.length - modelTensors.length} optimizer-state tensors)` : ''),
        '',
        bold('metadata'),
        ...(Object.keys(report.metadata).length === 0 ? ['  (none)'] : Object.entries(report.metadata).map(([k, v]) => `  ${k}: ${preview(v)}`)),
        '',
        bold('tensors'),
        formatTable(
          [{ heading: 'name' }, { heading: 'dtype' }, { heading: 'shape' }, { heading: 'elements', align: 'right' }],
          report.tensors.map((t) => [t.name, t.dtype, `[${t.shape.join(', ')}]`, formatCount(t.size)]),
        )
          .split('\n')
          .map((l) => `  ${l}`)
          .join('\n'),
      ];
      io.stdout.write(`${lines.join('\n')}\n`);
    });
}
