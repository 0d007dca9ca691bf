// Streamed loading of user text files: chunk boundaries inside characters, UTF-8 errors with offsets, bad paths.
import { join } from 'node:path';
import { loadTextFile, readTextChunks, Utf8Error } from '@seqlab/datasets';
import { describe, expect, it } from 'vitest';
import { expectSeqlabErrorAsync, temporaryFiles } from './helpers.js';

const { dir, file } = temporaryFiles('seqlab-datasets-');

describe('loadTextFile', () => {
  it('reads a multi-chunk file whose characters straddle chunk boundaries', async () => {
    const text = 'añ€😀'.repeat(5000) + '\nend';
    const path = file('mixed.txt', text);
    expect(await loadTextFile(path, { chunkSize: 7 })).toBe(text);
    expect(await loadTextFile(path)).toBe(text);
  });

  it('streams chunks that concatenate to the text', async () => {
    const text = 'ß'.repeat(1000);
    const path = file('stream.txt', text);
    const parts: string[] = [];
    for await (const part of readTextChunks(path, { chunkSize: 99 })) parts.push(part);
    expect(parts.length).toBeGreaterThan(10);
    expect(parts.join('')).toBe(text);
  });

  it('names the byte offset of invalid UTF-8, also deep into a later chunk', async () => {
    const good = new TextEncoder().encode('é'.repeat(3000)); // 6000 bytes
    const bad = new Uint8Array([...good, 0x41, 0xc3, 0x28, 0x41]);
    const path = file('bad.txt', bad);
    const err = (await expectSeqlabErrorAsync(() => loadTextFile(path, { chunkSize: 1024 }), 'INVALID_ARGUMENT', /byte offset 6001/, /bad\.txt/)) as Utf8Error;
    expect(err).toBeInstanceOf(Utf8Error);
    expect(err.byteOffset).toBe(6001);
  });

  it('reports a sequence cut off at the end of the file', async () => {
    const path = file('cut.txt', new Uint8Array([0x61, 0x62, 0xf0, 0x9f, 0x98]));
    const err = (await expectSeqlabErrorAsync(() => loadTextFile(path, { chunkSize: 2 }), 'INVALID_ARGUMENT', /cut off/)) as Utf8Error;
    expect(err.byteOffset).toBe(2);
  });

  it('an empty file is an empty corpus', async () => {
    const path = file('empty.txt', '');
    await expectSeqlabErrorAsync(() => loadTextFile(path), 'INVALID_ARGUMENT', /empty/);
  });

  it('a missing file or a directory names the path', async () => {
    await expectSeqlabErrorAsync(() => loadTextFile(join(dir, 'nope.txt')), 'INVALID_ARGUMENT', /nope\.txt/, /does not exist/);
    await expectSeqlabErrorAsync(() => loadTextFile(dir), 'INVALID_ARGUMENT', /is a directory/);
  });

  it('bad arguments are typed errors', async () => {
    await expectSeqlabErrorAsync(() => loadTextFile(''), 'INVALID_ARGUMENT', /'path' must be a non-empty string/);
    await expectSeqlabErrorAsync(() => loadTextFile(file('x.txt', 'x'), { chunkSize: 0 }), 'INVALID_ARGUMENT', /'chunkSize' must be a positive integer/);
  });
});
