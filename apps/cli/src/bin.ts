// Entry point of the `seqlab` executable.
import { main } from './program.js';

process.exitCode = await main(process.argv.slice(2));
