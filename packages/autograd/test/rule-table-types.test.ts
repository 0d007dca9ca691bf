// The rule table is complete by construction: leaving an op family out of it is a TypeScript error.
import { fileURLToPath } from 'node:url';
import { workspacePackage } from '@seqlab/test-utils/workspace';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

describe('gradient rule table', () => {
  it('compiles when complete and fails to compile when an op has no rule', () => {
    const probe = here('./rule-table-probe.ts');
    const probeSource = `
import type { OpName } from '@seqlab/tensor-core';
import type { GradRules } from '../src/rules/grad-rule.js';
import { binaryRules } from '../src/rules/binary.js';
import { indexingRules } from '../src/rules/indexing.js';
import { matmulRules } from '../src/rules/matmul.js';
import { nonDifferentiableRules } from '../src/rules/non-differentiable.js';
import { reduceRules } from '../src/rules/reduce.js';
import { softmaxRules } from '../src/rules/softmax.js';
import { unaryRules } from '../src/rules/unary.js';
// movementRules left out on purpose
export const incomplete: GradRules<OpName> = {
  ...unaryRules, ...binaryRules, ...nonDifferentiableRules, ...reduceRules, ...softmaxRules, ...matmulRules, ...indexingRules,
};
`;
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.esnext.disposable.d.ts'],
      // Resolve the workspace package to its sources, as the tests do, so no build is needed.
      paths: { '@seqlab/tensor-core': [workspacePackage('@seqlab/tensor-core').source] },
    };
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    host.readFile = (f) => (f === probe ? probeSource : readFile(f));
    host.fileExists = (f) => f === probe || fileExists(f);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (f, lang, ...rest) => (f === probe ? ts.createSourceFile(f, probeSource, lang) : getSourceFile(f, lang, ...rest));
    const complete = here('../src/rules/index.ts');
    const program = ts.createProgram([complete, probe], options, host);
    const messages = (file: string): string[] =>
      ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(messages(complete)).toEqual([]);
    const errors = messages(probe);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toMatch(/is missing the following properties .*: reshape, transpose, expand, slice/);
  });
});
