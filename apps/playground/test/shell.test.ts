// Unit tests of the app shell's logic: hash routes, the starting theme, the palette and the route table.
import { describe, expect, it } from 'vitest';
import { formatHash, parseHash } from '../src/lib/hash.js';
import { CATEGORICAL, seriesColor } from '../src/lib/palette.js';
import { initialTheme } from '../src/lib/theme.js';
import { browserEnvironment } from '../src/lib/environment.js';

describe('hash routes', () => {
  it('parses the empty hash as home and keeps the query in order', () => {
    expect(parseHash('').path).toBe('/');
    expect(parseHash('#').path).toBe('/');
    const { path, query } = parseHash('#/train?task=copy&seed=7&lr=0.01');
    expect(path).toBe('/train');
    expect([...query.entries()]).toEqual([
      ['task', 'copy'],
      ['seed', '7'],
      ['lr', '0.01'],
    ]);
  });

  it('adds the leading slash a hand-written hash leaves out', () => {
    expect(parseHash('#train?x=1').path).toBe('/train');
  });

  it('round-trips through formatHash, escaping what needs it', () => {
    const query = new URLSearchParams({ text: 'the cat & the hat', seed: '3' });
    const hash = formatHash('/train', query);
    expect(hash.startsWith('#/train?')).toBe(true);
    const back = parseHash(hash);
    expect(back.path).toBe('/train');
    expect(back.query.get('text')).toBe('the cat & the hat');
    expect(formatHash('/')).toBe('#/');
  });
});

describe('theme', () => {
  it('prefers a valid stored choice, then the system preference', () => {
    expect(initialTheme('dark', false)).toBe('dark');
    expect(initialTheme('light', true)).toBe('light');
    expect(initialTheme('purple', true)).toBe('dark');
    expect(initialTheme(null, false)).toBe('light');
  });
});

describe('palette', () => {
  it('cycles the Okabe-Ito colours, negative indices included', () => {
    expect(seriesColor(0)).toBe('#0072B2');
    expect(seriesColor(CATEGORICAL.length)).toBe(seriesColor(0));
    expect(seriesColor(-1)).toBe(CATEGORICAL[CATEGORICAL.length - 1]);
    expect(new Set(CATEGORICAL).size).toBe(CATEGORICAL.length);
  });
});

describe('browser environment', () => {
  it('reads isolation and cores from a scope, with safe defaults', () => {
    expect(browserEnvironment({ crossOriginIsolated: true, navigator: { hardwareConcurrency: 8 } } as unknown as typeof globalThis)).toEqual({
      crossOriginIsolated: true,
      cores: 8,
      workers: false,
    });
    expect(browserEnvironment({} as typeof globalThis)).toEqual({ crossOriginIsolated: false, cores: 1, workers: false });
  });
});
