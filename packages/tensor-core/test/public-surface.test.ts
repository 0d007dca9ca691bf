// Runs the public-surface property suite on the CPU backend.
import { describe } from 'vitest';
import { publicSurfaceSuite } from './suite/public-surface.js';

describe.each(['cpu'])('%s backend', (b) => publicSurfaceSuite(b));
