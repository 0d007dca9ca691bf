// saveOnnx's file, and a model with no ONNX mapping: an UnsupportedExportError naming the layer or parameter, no bytes or file.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { TransformerDecoderLayer } from '@seqlab/attention';
import { Linear } from '@seqlab/autograd';
import { RecurrentLM, Seq2Seq } from '@seqlab/recurrent';
import { Generator, InvalidArgumentError } from '@seqlab/tensor-core';
import { exportOnnx, readOnnxSummary, saveOnnx, UnsupportedExportError, type ExportableModel } from '../src/index.js';

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

  it('saveOnnx writes a file onnxruntime loads, and returns its summary', async () => {
    const path = join(dir, 'lm.onnx');
    const model = new RecurrentLM({ vocabSize: 5, embeddingDim: 3, hiddenSize: 4, cell: 'gru' }, { generator: new Generator(0) });
    const summary = await saveOnnx(model, path);
    expect(summary.bytes).toBe(statSync(path).size);
    expect(summary.inputs.map((i) => i.name)).toEqual(['ids']);
    const session = await ort.InferenceSession.create(path, { graphOptimizationLevel: 'all' });
    expect(session.outputNames).toEqual(['logits']);
  });

  it('saveOnnx writes no file for a model it cannot export', async () => {
    const path = join(dir, 'decoder.onnx');
    await expect(saveOnnx(new TransformerDecoderLayer(8, 2) as unknown as ExportableModel, path)).rejects.toBeInstanceOf(UnsupportedExportError);
    expect(existsSync(path)).toBe(false);
  });

  it('readOnnxSummary rejects bytes that are not a ModelProto', () => {
    expect(() => readOnnxSummary(Uint8Array.from([0xff, 0xff, 0xff, 0xff]))).toThrow(/readOnnxSummary: argument 'bytes' must be an ONNX ModelProto/);
  });

  it('rejects options of the wrong type', () => {
    const model = new RecurrentLM({ vocabSize: 5, embeddingDim: 3, hiddenSize: 4 }, { generator: new Generator(0) });
    expect(() => exportOnnx(model, { state: 'yes' as unknown as boolean })).toThrow(/option 'state' must be a boolean; received yes/);
  });
});
