// Reference-counted storage shared by a tensor and its reshapes; freed on the last dispose or by the GC safety net.
import type { Backend, DataHandle } from './backend.js';
import { countAlloc, releaseStorage } from './registry.js';

interface Held {
  backend: Backend;
  /** Absent for garbage-collected backends, so the registry never keeps their memory alive. */
  handle: DataHandle | undefined;
  bytes: number;
}

const collected = new FinalizationRegistry<Held>((held) => releaseStorage(held.backend, held.handle, held.bytes));

/** One backend allocation, shared by every tensor that views it. */
export class Storage {
  readonly backend: Backend;
  readonly handle: DataHandle;
  readonly bytes: number;
  private refs = 0;
  private released = false;

  constructor(backend: Backend, handle: DataHandle, bytes: number) {
    this.backend = backend;
    this.handle = handle;
    this.bytes = bytes;
    countAlloc(backend, bytes);
    collected.register(this, { backend, handle: backend.garbageCollected ? undefined : handle, bytes }, this);
  }

  /** A tensor starts viewing this storage. */
  retain(): void {
    this.refs++;
  }

  /** A tensor stops viewing this storage; the last one frees it. */
  drop(): void {
    if (this.released) return;
    if (--this.refs <= 0) {
      this.released = true;
      collected.unregister(this);
      releaseStorage(this.backend, this.handle, this.bytes);
    }
  }

  /** True once freed. */
  get isReleased(): boolean {
    return this.released;
  }
}
