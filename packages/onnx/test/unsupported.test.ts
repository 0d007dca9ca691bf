// A model with no ONNX mapping gets an UnsupportedExportError naming the layer or parameter, and no bytes or file.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TransformerDecoderLayer } from '@seqlab/attention';
import { Linear } from '@seqlab/autograd';
import { RecurrentLM, Seq2Seq } from '@seqlab/recurrent';
import { Generator, InvalidArgumentError } from '@seqlab/tensor-core';
import { exportOnnx, saveOnnx, UnsupportedExportError, type ExportableModel } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'seqlab-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('exportOnnx on models it cannot write', () => {
  it.each([
    ['TransformerDecoderLayer', () => new TransformerDecoderLayer(8, 2, { dimFeedforward: 8 })],
    ['Linear', () => new Linear(3, 4)],
    ['Seq2Seq', () => new Seq2Seq({ sourceVocabSize: 5, targetVocabSize: 5, embeddingDim: 4, hiddenSize: 4 })],
  ])('a %s is rejected with a typed error naming it', (kind, make) => {
    const error = thrown(() => exportOnnx(make() as unknown as ExportableModel));
    expect(error).toBeInstanceOf(UnsupportedExportError);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as UnsupportedExportError).code).toBe('INVALID_ARGUMENT');
    expect((error as UnsupportedExportError).layer).toBe(kind);
    expect((error as Error).message).toContain(`received a ${kind}, which has no ONNX mapping`);
  });

  it('a float64 parameter is rejected naming the parameter', () => {
    const model = new RecurrentLM({ vocabSize: 5, embeddingDim: 3, hiddenSize: 4 }, { dtype: 'float64', generator: new Generator(0) });
    const error = thrown(() => exportOnnx(model)) as UnsupportedExportError;
    expect(error).toBeInstanceOf(UnsupportedExportError);
    expect(error.layer).toBe('embedding.weight');
    expect(error.message).toContain('must be float32');
  });

  it('saveOnnx writes no file for a model it cannot export', async () => {
    const path = join(dir, 'decoder.onnx');
    await expect(saveOnnx(new TransformerDecoderLayer(8, 2) as unknown as ExportableModel, path)).rejects.toBeInstanceOf(UnsupportedExportError);
    expect(existsSync(path)).toBe(false);
  });

  it('rejects options of the wrong type', () => {
    const model = new RecurrentLM({ vocabSize: 5, embeddingDim: 3, hiddenSize: 4 }, { generator: new Generator(0) });
    expect(() => exportOnnx(model, { state: 'yes' as unknown as boolean })).toThrow(/option 'state' must be a boolean; received yes/);
  });
});
