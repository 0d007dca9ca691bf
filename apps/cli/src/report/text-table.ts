// Plain-text tables with aligned columns, for terminal summaries.

/** A column of a {@link formatTable}: its heading and which side its cells align to. */
export interface TableColumn {
  /** Heading text. */
  readonly heading: string;
  /** `right` for numbers, `left` (default) for text. */
  readonly align?: 'left' | 'right';
}

/**
 * Lays out `rows` under `columns` with two spaces between columns and a rule under the headings.
 * Widths count UTF-16 code units, which is exact for the ASCII the CLI puts in tables.
 */
export function formatTable(columns: readonly TableColumn[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(c.heading.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    columns
      .map((c, i) => {
        const cell = cells[i] ?? '';
        return c.align === 'right' ? cell.padStart(widths[i]) : cell.padEnd(widths[i]);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(columns.map((c) => c.heading)), rule, ...rows.map(line)].join('\n');
}
