// PyTorch parity (shared/goldens/basic_ops.json): layer_norm, softmax, log_softmax and cross-entropy, forward and backward,
// on every backend of BACKENDS; the suite (in test-utils) also runs on gpu in the browser (kernels-gpu's parity test).
import { describe } from 'vitest';
import { basicOpsParitySuite } from '@seqlab/test-utils/parity-suites';
import { BACKENDS as PARITY_BACKENDS } from '@seqlab/test-utils/backends';

describe.each(PARITY_BACKENDS)('%s backend', (backend) => basicOpsParitySuite(backend));
