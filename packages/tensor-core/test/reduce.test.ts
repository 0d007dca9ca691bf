// Runs the reduction suite on the CPU backend.
import { describe } from 'vitest';
import { reduceSuite } from './suite/reduce.js';

describe.each(['cpu'])('%s backend', (b) => reduceSuite(b));
