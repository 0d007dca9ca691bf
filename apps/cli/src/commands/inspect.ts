// `seqlab inspect FILE`: a checkpoint's metadata, tensors (names, dtypes, shapes) and parameter count, from its header alone.
import { checkCheckpointHeader, readCheckpointHeader } from '@seqlab/autograd';
import { sizeOf, type SafetensorsHeader } from '@seqlab/tensor-core';
import type { Command } from 'commander';
import { formatCount } from '../report/format.js';
import { formatTable } from '../report/text-table.js';
import { asUserInput } from '../usage-error.js';
import { isModelTensorName } from '../checkpoint/checkpoint-layout.js';
import { printJson, type CommandIO } from './command-io.js';
import { LANGUAGE_MODEL_KINDS } from '@seqlab/recurrent';

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
   * Parameters: the elements of every stored tensor that is not optimizer state, counted from the header (no model
   * is built). A seqlab Transformer's head tied to its token embedding is stored under both names and counts once.
   */
  readonly parameterCount: number;
  /** The model kind, for seqlab language-model checkpoints. */
  readonly model: string | null;
}

/** The seqlab model kind named by metadata 'config' and whether its head shares the embedding, or null. */
function modelOf(metadata: Record<string, string>): { kind: string; tied: boolean } | null {
  if (!Object.hasOwn(metadata, 'config')) return null;
  let spec: unknown;
  try {
    spec = JSON.parse(metadata.config);
  } catch {
    return null;
  }
  if (typeof spec !== 'object' || spec === null) return null;
  const { kind, config } = spec as { kind?: unknown; config?: unknown };
  if (!(LANGUAGE_MODEL_KINDS as readonly unknown[]).includes(kind) || typeof config !== 'object' || config === null) return null;
  // TransformerLM ties by default (nanoGPT's layout); only an explicit false unties.
  return { kind: kind as string, tied: kind === 'transformer' && (config as { tieWeights?: unknown }).tieWeights !== false };
}

/** TransformerLM's tied pair: the head's weight is the token embedding, stored under both names. */
const TIED_HEAD = { name: 'lm_head.weight', source: 'transformer.wte.weight' } as const;

/** True when `header` stores the tied head as an exact twin (same dtype and shape) of the embedding. */
function storesTiedHead(header: SafetensorsHeader): boolean {
  const head = header.entries.find((e) => e.name === TIED_HEAD.name);
  const source = header.entries.find((e) => e.name === TIED_HEAD.source);
  return head !== undefined && source !== undefined && head.dtype === source.dtype && head.shape.join() === source.shape.join();
}

/**
 * Reads and validates the header of a safetensors file (never its tensor data, and never building a model), runs
 * the checkpoint metadata checks on it, then describes it. Cost is bounded by the header's size whatever the file's, so files over 2 GiB inspect at once.
 */
export async function inspectCheckpoint(file: string): Promise<InspectReport> {
  const { header, byteLength } = await asUserInput(`checkpoint '${file}'`, async () => {
    const read = await readCheckpointHeader(file);
    // The metadata checks a load makes, on names, dtypes and shapes alone: a file that inspects cleanly also loads.
    checkCheckpointHeader(read.header);
    return read;
  });
  const tensors = header.entries.map((e) => ({
    name: e.name,
    dtype: e.dtype,
    shape: [...e.shape],
    size: sizeOf(e.shape),
    parameter: isModelTensorName(e.name),
  }));
  const model = modelOf(header.metadata);
  const twin = model?.tied === true && storesTiedHead(header) ? TIED_HEAD.name : undefined;
  const parameterCount = tensors.reduce((n, t) => n + (t.parameter && t.name !== twin ? t.size : 0), 0);
  return { file, bytes: byteLength, metadata: header.metadata, tensors, parameterCount, model: model?.kind ?? null };
}

const METADATA_PREVIEW = 96;

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
