import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryExperiment } from '@seqlab/bench';

// `size: 'test'` runs in seconds, `quick` in about a minute on two cores, `full` (the default) is the real experiment.
// Each experiment is exported by name (typed results) and listed in `experiments` (`getExperiment(name)` finds one).
export const { result, files } = await memoryExperiment.run({
  size: 'test',
  outDir: join(tmpdir(), 'seqlab-experiments'),
  backend: 'cpu',
  seed: 0,
  onProgress: (e) => console.log(`${e.completed}/${e.total} ${e.message}`),
});
// files.json, files.markdown and files.svg now hold memory.json, memory.md and memory.svg.
console.log(result.measurements.exponents);
