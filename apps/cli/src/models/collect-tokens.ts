// Draining a model package's token stream into an array while reporting each token as it arrives.

/** Collects the tokens of `stream`, calling `onToken` with each as soon as it is drawn. */
export function collectTokens(stream: Iterable<number>, onToken: (id: number) => void): number[] {
  const tokens: number[] = [];
  for (const id of stream) {
    tokens.push(id);
    onToken(id);
  }
  return tokens;
}
