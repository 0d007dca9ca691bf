// Parity with PyTorch (shared/goldens rnn.json, lstm.json, gru.json): outputs, final states and every BPTT gradient, on every backend.
import { describe } from 'vitest';
import { recurrentGoldensSuite } from '@seqlab/test-utils/parity-suites';
import { BACKENDS as PARITY_BACKENDS } from '@seqlab/test-utils/backends';

// The suite's body is shared with the gpu backend's browser tests (packages/kernels-gpu).
describe.each(PARITY_BACKENDS)('%s backend', (backend) => recurrentGoldensSuite(backend));
