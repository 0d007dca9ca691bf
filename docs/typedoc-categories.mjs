// TypeDoc plugin: puts every top-level export of a package into a category by its source file, unless its TSDoc
// already has an `@category` tag (which wins), so the API reference groups Tensors, Operations, Layers, ...
import { Comment, CommentTag, Converter, ReflectionKind } from 'typedoc';

/** First matching rule wins: a regular expression over the source path inside packages/, and the category. */
const RULES = [
  [/^tensor-core\/src\/(tensor|dtype|shape)\.ts$/, 'Tensors'],
  [/^tensor-core\/src\/ops\/creation\.ts$/, 'Tensors'],
  [/^tensor-core\/src\/ops\//, 'Operations'],
  [/^tensor-core\/src\/(generator|random)\.ts$/, 'Randomness'],
  [/^tensor-core\/src\/safetensors/, 'Checkpoints'],
  [/^tensor-core\/src\/errors\.ts$/, 'Errors'],
  [/^tensor-core\//, 'Backends'],
  [/^kernels-wasm\//, 'Backends'],
  [/^kernels-gpu\/src\/errors\.ts$/, 'Errors'],
  [/^kernels-gpu\//, 'Backends'],
  [/^autograd\/src\/(engine|rules)\//, 'Autograd'],
  [/^autograd\/src\/(nn|init)\//, 'Layers'],
  [/^autograd\/src\/losses\//, 'Training'],
  [/^autograd\/src\/optim\//, 'Training'],
  [/^autograd\/src\/checkpoint\//, 'Checkpoints'],
  [/^recurrent\/src\/(lm|seq2seq)\//, 'Models'],
  [/^recurrent\/src\/probes\//, 'Analysis'],
  [/^recurrent\/src\//, 'Layers'],
  [/^attention\/src\/(transformer-lm|kv-cache|sampling|gpt-body|lm-head)/, 'Models'],
  [/^attention\/src\//, 'Layers'],
  [/^datasets\/src\//, 'Data'],
  [/^onnx\//, 'Export'],
  [/^bench\//, 'Benchmarks'],
];

const KINDS =
  ReflectionKind.Class |
  ReflectionKind.Function |
  ReflectionKind.Variable |
  ReflectionKind.Interface |
  ReflectionKind.TypeAlias |
  ReflectionKind.Enum |
  ReflectionKind.SomeModule;

/** The category of a source file, or undefined when no rule matches. */
export function categoryOf(fileName) {
  // A type re-exported from another workspace package resolves to that package's built declarations.
  const inside = fileName
    .replace(/\\/g, '/')
    .replace(/^.*\/node_modules\/@seqlab\/([^/]+)\//, '$1/')
    .replace(/^.*\/packages\//, '');
  return RULES.find(([pattern]) => pattern.test(inside))?.[1];
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    const project = context.project;
    for (const reflection of project.getReflectionsByKind(KINDS)) {
      if (!reflection.parent?.kindOf(ReflectionKind.SomeModule | ReflectionKind.Project)) continue;
      const comments = [reflection.comment, ...(reflection.signatures ?? []).map((s) => s.comment)].filter(Boolean);
      if (comments.some((c) => c.blockTags.some((t) => t.tag === '@category'))) continue;
      // A namespace or sub-module (`export * as init from ...`) takes the file of its first member.
      const source = reflection.kindOf(ReflectionKind.SomeModule) ? reflection.children?.[0] : reflection;
      const fileName = source === undefined ? undefined : project.getSymbolIdFromReflection(source)?.fileName;
      const category = fileName === undefined ? undefined : categoryOf(fileName);
      if (category === undefined) continue;
      const target = comments[0] ?? (reflection.comment = new Comment());
      target.blockTags.push(new CommentTag('@category', [{ kind: 'text', text: category }]));
    }
  });
}
