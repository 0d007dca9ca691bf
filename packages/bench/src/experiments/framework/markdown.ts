// Markdown rendering helpers: tables and number formatting for the NAME.md files.

/** A table cell: numbers are formatted with {@link formatNumber}, null prints as an em dash. */
export type Cell = string | number | null;

/**
 * Formats a number with about `digits` significant digits, switching to exponent notation for tiny or huge values.
 *
 * @example
 * ```ts
 * console.assert(formatNumber(3.14159) === '3.142' && formatNumber(42) === '42');
 * console.assert(formatNumber(1234567.8) === '1.235e+6' && formatNumber(0.000123456, 3) === '1.23e-4');
 * ```
 */
export function formatNumber(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (Number.isInteger(value) && abs < 1e9) return String(value);
  if (abs >= 1e6 || abs < 1e-3) return value.toExponential(digits - 1);
  return String(Number(value.toPrecision(digits)));
}

function cellText(cell: Cell): string {
  if (cell === null) return '—';
  if (typeof cell === 'number') return formatNumber(cell);
  return cell.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * A GitHub-flavoured Markdown table; numeric columns are right-aligned.
 *
 * @example
 * ```ts
 * const md = markdownTable(['model', 'ms'], [['LSTM', 1.5], ['GRU', null]]);
 * console.assert(md === '| model | ms |\n| --- | ---: |\n| LSTM | 1.5 |\n| GRU | — |'); // the numeric column is right-aligned
 * ```
 */
export function markdownTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const numeric = headers.map((_, c) => rows.length > 0 && rows.every((r) => typeof r[c] === 'number' || r[c] === null));
  const head = `| ${headers.map((h) => cellText(h)).join(' | ')} |`;
  const rule = `| ${numeric.map((n) => (n ? '---:' : '---')).join(' | ')} |`;
  const body = rows.map((r) => `| ${headers.map((_, c) => cellText(r[c] ?? null)).join(' | ')} |`);
  return [head, rule, ...body].join('\n');
}

/**
 * Bytes as KiB/MiB/GiB with three significant digits.
 *
 * @example
 * ```ts
 * console.assert(formatBytes(512) === '512 B' && formatBytes(1536) === '1.5 KiB' && formatBytes(3 * 1024 ** 2) === '3 MiB');
 * ```
 */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = bytes;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${Number(v.toPrecision(3))} ${units[u]}`;
}
