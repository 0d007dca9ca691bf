// Entry point `@seqlab/test-utils/backends`: importing it registers every backend of BACKENDS (cpu stays active).
import { BACKENDS, initBackends } from './backend-list.js';

export { BACKENDS };

await initBackends();
