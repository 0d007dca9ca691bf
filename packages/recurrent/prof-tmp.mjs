import { Adam } from '@seqlab/autograd';
import { Generator, tensor } from '@seqlab/tensor-core';
import { CharTokenizer, loadCorpus } from '@seqlab/datasets';
import { RecurrentLM, unigramCrossEntropy } from '@seqlab/recurrent';
const corpus = loadCorpus('tinyshakespeare');
const text = corpus.text.slice(0, 60000);
const tok = CharTokenizer.fromText(text);
const train = tok.encode(text.slice(0, 50000));
const held = tok.encode(text.slice(50000, 54000));
console.log('vocab', tok.vocabSize, 'unigram', unigramCrossEntropy(train, held, tok.vocabSize));
const [E,H,B,T,S,lr] = process.argv.slice(2).map(Number);
const model = new RecurrentLM({ vocabSize: tok.vocabSize, embeddingDim: E, hiddenSize: H }, { generator: new Generator(0) });
const opt = new Adam(model.parameters(), { lr });
const g = new Generator(1);
const t0 = Date.now();
for (let step = 0; step < S; step++) {
  const inp = new Int32Array(B * T), tgt = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const s = g.int(0, train.length - T - 2);
    inp.set(train.subarray(s, s + T), b * T);
    tgt.set(train.subarray(s + 1, s + T + 1), b * T);
  }
  const { loss } = model.loss(tensor(inp, [B, T], 'int32'), tensor(tgt, [B, T], 'int32'));
  loss.backward();
  opt.step();
  opt.zeroGrad();
}
console.log('train ms', Date.now() - t0);
console.log(model.evaluate(held, { seqLen: 256, batchSize: 8 }).nats);
