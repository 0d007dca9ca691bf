// Default names of the folders runs write to: seqlab-runs/<name>-<UTC time>.
import { join } from 'node:path';

/** `seqlab-runs/<name>-YYYYMMDD-HHMMSS` (UTC), relative to the working directory. */
export function defaultRunFolder(name: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return join('seqlab-runs', `${name}-${stamp}`);
}
