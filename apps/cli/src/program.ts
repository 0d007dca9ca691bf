// The `seqlab` command tree (commander), and the mapping from errors to one-line messages and exit statuses.
import { Command, CommanderError } from 'commander';
import { processIO, type CommandIO } from './commands/command-io.js';
import { registerBench } from './commands/bench.js';
import { registerDemo } from './commands/demo.js';
import { registerEval } from './commands/eval.js';
import { registerExperiment } from './commands/experiment.js';
import { registerExport } from './commands/export.js';
import { registerGenerate } from './commands/generate.js';
import { registerInspect } from './commands/inspect.js';
import { registerTrain } from './commands/train.js';
import { DivergedError, ExitCode, InterruptedError, UsageError } from './usage-error.js';
import { VERSION } from './version.js';

/** Builds the command tree; commands write through `io`. */
export function buildProgram(io: CommandIO): Command {
  const program = new Command('seqlab')
    .description('Train, sample, evaluate and inspect character language models (RNN, LSTM, GRU, Transformer).')
    .version(VERSION, '-v, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(io.err.red(s)),
    })
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      `
Examples:
  $ seqlab demo                                   train an LSTM and a Transformer, compare them
  $ seqlab train --model lstm --steps 2000 --out runs/lstm
  $ seqlab generate --checkpoint runs/lstm/checkpoint.safetensors --prompt "ROMEO:"
  $ seqlab eval --checkpoint runs/lstm/checkpoint.safetensors
  $ seqlab inspect runs/lstm/checkpoint.safetensors
  $ seqlab export --onnx lstm.onnx --checkpoint runs/lstm/checkpoint.safetensors

Every command takes --help and --json. NO_COLOR=1 turns colours off.
Exit status: 0 done, 1 internal error, 2 usage error, 3 training diverged, 130 interrupted,\n141 output closed by its reader (| head).`,
    );
  registerDemo(program, io);
  registerTrain(program, io);
  registerGenerate(program, io);
  registerEval(program, io);
  registerInspect(program, io);
  registerExport(program, io);
  registerExperiment(program, io);
  registerBench(program, io);
  return program;
}

/** Prints `err` as the CLI reports it and returns the exit status. */
export function reportError(err: unknown, io: CommandIO): number {
  if (err instanceof CommanderError) {
    // Commander has already printed its one-line message (or the help, or the version).
    return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? ExitCode.ok : ExitCode.usage;
  }
  if (err instanceof UsageError) {
    io.stderr.write(`${io.err.red('error:')} ${err.message}\n`);
    return ExitCode.usage;
  }
  if (err instanceof DivergedError) {
    io.stderr.write(`${io.err.red('error:')} ${err.message}\n`);
    return ExitCode.diverged;
  }
  if (err instanceof InterruptedError) {
    io.stderr.write(`${err.message}\n`);
    return ExitCode.interrupted;
  }
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  io.stderr.write(`${io.err.red('internal error')} (a bug in seqlab; please report it with the lines below):\n${detail}\n`);
  return ExitCode.internal;
}

/** Runs the CLI on `argv` (without `node` and the script) and returns the exit status. */
export async function main(argv: readonly string[], io: CommandIO = processIO()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.ok;
  } catch (err) {
    return reportError(err, io);
  }
}
