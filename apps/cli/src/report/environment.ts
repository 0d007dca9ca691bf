// The machine and software a result was measured on, recorded beside every number the CLI writes.
import { cpus, totalmem } from 'node:os';
import { VERSION } from '../version.js';

/** Where a run happened. */
export interface Environment {
  /** ISO date and time of the run. */
  readonly date: string;
  /** `@seqlab/cli` version. */
  readonly seqlab: string;
  /** Node.js version. */
  readonly node: string;
  /** Operating system and CPU architecture. */
  readonly platform: string;
  /** CPU model. */
  readonly cpu: string;
  /** Logical cores. */
  readonly cores: number;
  /** Memory in GiB. */
  readonly memoryGiB: number;
  /** The compute backend used. */
  readonly backend: string;
}

/** Describes this machine, with the active `backend`. */
export function currentEnvironment(backend: string): Environment {
  const list = cpus();
  return {
    date: new Date().toISOString(),
    seqlab: VERSION,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    backend,
  };
}
