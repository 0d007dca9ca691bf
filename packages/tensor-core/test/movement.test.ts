// Runs the movement-op suite on the CPU backend.
import { describe } from 'vitest';
import { movementSuite } from './suite/movement.js';

describe.each(['cpu'])('%s backend', (b) => movementSuite(b));
