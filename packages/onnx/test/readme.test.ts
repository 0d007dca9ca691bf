// The README's example is examples/readme.ts verbatim, and it runs: the exported LSTM LM gives seqlab's logits in onnxruntime.
import { describe, expect, it } from 'vitest';
import { readmeExample } from '@seqlab/test-utils/suites';

describe('README example', () => {
  it("is examples/readme.ts verbatim, and onnxruntime gives seqlab's logits", async () => {
    const { block, example } = readmeExample(import.meta.url, 'readme.ts');
    expect(block).toBe(example);
    const mod = (await import('../examples/readme.js')) as {
      summary: { inputs: { name: string }[]; outputs: { name: string }[]; opset: number };
      onnxLogits: Float32Array;
      largestDifference: number;
    };
    expect(mod.summary.inputs.map((i) => i.name)).toEqual(['ids', 'h0', 'c0']);
    expect(mod.summary.outputs.map((o) => o.name)).toEqual(['logits', 'hn', 'cn']);
    expect(mod.summary.opset).toBe(17);
    expect(mod.onnxLogits).toHaveLength(2 * 5 * 65);
    expect(mod.largestDifference).toBeLessThan(1e-5);
  });
});
