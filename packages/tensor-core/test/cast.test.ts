// Runs the cast suite on the CPU backend.
import { describe } from 'vitest';
import { castSuite } from './suite/cast.js';

describe.each(['cpu'])('%s backend', (b) => castSuite(b));
