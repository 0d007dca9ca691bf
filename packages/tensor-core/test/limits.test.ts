// Runs the allocation-limit and int32-range suite on the CPU backend.
import { describe } from 'vitest';
import { limitsSuite } from './suite/limits.js';

describe.each(['cpu'])('%s backend', (b) => limitsSuite(b));
