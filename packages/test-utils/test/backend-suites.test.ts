// Every backend of BACKENDS runs every shared op suite and every fused-op contract suite: naming a backend once runs them all.
import { describe } from 'vitest';
import { BACKENDS, initBackends, runBackendSuites } from '@seqlab/test-utils/backend-suites';

// The suites read each backend's dtypes when they are collected, so every backend must be registered first.
await initBackends();

describe.each(BACKENDS)('%s backend', (backend) => runBackendSuites(backend));
