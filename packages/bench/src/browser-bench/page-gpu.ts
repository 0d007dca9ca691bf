// seqlab's gpu backend as a contender in the page (placeholder until @seqlab/kernels-gpu lands on this branch).
import type { PageContenderOutcome } from './page-contenders.js';

/** The seqlab gpu contender, or why it could not be set up. */
export async function gpuContender(): Promise<PageContenderOutcome> {
  return { name: 'seqlab-gpu', label: 'seqlab gpu', threads: 1, info: {}, error: '@seqlab/kernels-gpu is not built on this branch yet' };
}
