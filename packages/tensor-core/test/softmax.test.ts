// Runs the softmax suite on the CPU backend.
import { describe } from 'vitest';
import { softmaxSuite } from './suite/softmax.js';

describe.each(['cpu'])('%s backend', (b) => softmaxSuite(b));
