// Runs the matmul suite on the CPU backend.
import { describe } from 'vitest';
import { matmulSuite } from './suite/matmul.js';

describe.each(['cpu'])('%s backend', (b) => matmulSuite(b));
