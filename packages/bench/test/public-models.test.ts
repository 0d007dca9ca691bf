// The experiments build their models only from the public packages: no private model code in bench.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../src/experiments');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every import of a file: module specifier and the names it brings in. */
function importsOf(file: string): { from: string; names: string[] }[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: { from: string; names: string[] }[] = [];
  source.forEachChild((node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const bindings = node.importClause?.namedBindings;
      const names = bindings && ts.isNamedImports(bindings) ? bindings.elements.map((e) => (e.propertyName ?? e.name).text) : [];
      out.push({ from: node.moduleSpecifier.text, names });
    }
  });
  return out;
}

/** The building blocks a private Transformer, seq2seq or attention layer would be assembled from. */
const BUILDING_BLOCKS = ['MultiHeadAttention', 'scaledDotProductAttention', 'AdditiveAttention', 'LayerNorm', 'causalMask', 'RNNCell', 'LSTMCell', 'GRUCell'];
/** The gradient probe rebuilds the model's own first-layer cell (same weights) to expose every hidden state. */
const PROBE_FILE = 'gradients/gradient-probe.ts';
/** The TF.js side of the speed comparison is another library's model, written in TF.js ops on purpose. */
const TFJS_FILE = 'speed/tfjs-models.ts';

describe('experiment model code', () => {
  const files = sourceFiles(root);

  it('imports models only from the public packages', () => {
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const name = relative(root, file);
      for (const { from, names } of importsOf(file)) {
        // Package imports go through public entry points (no deep `@seqlab/x/src/...` paths).
        if (from.startsWith('@seqlab/')) expect(from, `${name} imports ${from}`).toMatch(/^@seqlab\/[a-z-]+$/);
        else if (from.startsWith('.')) expect(from, `${name} imports ${from}: bench keeps no model folder`).not.toMatch(/(^|\/)models\//);
        if (name === PROBE_FILE) continue;
        for (const n of names) expect(BUILDING_BLOCKS, `${name} imports the building block ${n} from ${from}`).not.toContain(n);
      }
    }
  });

  it('defines no attention, positional or recurrent math of its own', () => {
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const name = relative(root, file);
      if (name === TFJS_FILE) continue;
      expect(text, `${name} computes sinusoids`).not.toMatch(/Math\.(sin|cos)\(/);
      expect(text, `${name} calls softmax`).not.toMatch(/\bsoftmax\(/);
      expect(text, `${name} defines a Transformer block`).not.toMatch(/class \w*(Block|Attention|Cell)\b/);
    }
  });
});
