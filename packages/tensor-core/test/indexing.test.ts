// Runs the indexing-op suite on the CPU backend.
import { describe } from 'vitest';
import { indexingSuite } from './suite/indexing.js';

describe.each(['cpu'])('%s backend', (b) => indexingSuite(b));
