// A reader that goes away (`seqlab … | head`) ends the command quietly, as it ends a Unix tool killed by SIGPIPE.
import { ExitCode } from './usage-error.js';

/**
 * Makes EPIPE on `streams` (stdout and stderr) end the process at once with status 141 (128 + SIGPIPE), which is what
 * a shell reports for `seq 1 1000000 | head` under `set -o pipefail`: nothing is printed, and a script can still tell
 * that the output was cut short. Node ignores SIGPIPE, so without this the write error would surface as a stack
 * trace. Exit handlers still run (a run folder's lock is released). Other stream errors are left alone.
 */
export function endQuietlyOnBrokenPipe(streams: readonly NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(ExitCode.brokenPipe);
      throw err;
    });
  }
}
