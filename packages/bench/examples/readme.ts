import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getExperiment } from '@seqlab/bench';

// `size: 'test'` runs in seconds, `quick` in about a minute on two cores, `full` (the default) is the real experiment.
const memory = getExperiment('memory');
export const { result, files } = await memory.run({
  size: 'test',
  outDir: join(tmpdir(), 'seqlab-experiments'),
  backend: 'cpu',
  seed: 0,
  onProgress: (e) => console.log(`${e.completed}/${e.total} ${e.message}`),
});
// files.json, files.markdown and files.svg now hold memory.json, memory.md and memory.svg.
console.log(result.measurements.exponents);
