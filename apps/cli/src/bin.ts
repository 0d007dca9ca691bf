// Entry point of the `seqlab` executable.
import { endQuietlyOnBrokenPipe } from './broken-pipe.js';
import { main } from './program.js';

// `pnpm seqlab …` runs in the workspace root; resolve the user's relative paths from where the command was typed.
if (process.env.npm_lifecycle_event === 'seqlab' && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);

endQuietlyOnBrokenPipe();
process.exitCode = await main(process.argv.slice(2));
