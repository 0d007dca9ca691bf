// PyTorch parity (shared/goldens/optim.json): Adam, AdamW, SGD with momentum and Nesterov for 3 steps, clip_grad_norm,
// on every backend of BACKENDS; the suite (in test-utils) also runs on gpu in the browser (kernels-gpu's parity test).
import { describe } from 'vitest';
import { optimParitySuite } from '@seqlab/test-utils/parity-suites';
import { BACKENDS as PARITY_BACKENDS } from '@seqlab/test-utils/backends';

describe.each(PARITY_BACKENDS)('%s backend', (backend) => optimParitySuite(backend));
