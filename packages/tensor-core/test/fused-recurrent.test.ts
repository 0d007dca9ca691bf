// Runs the fused recurrent kernel suite on the CPU backend.
import { describe } from 'vitest';
import { fusedRecurrentSuite } from './suite/fused-recurrent.js';

describe.each(['cpu'])('%s backend', (b) => fusedRecurrentSuite(b));
