// The documented field list of one record type: docs/bai2.md shows each as a table (layoutMarkdown), and
// test/bai2/docs.test.ts checks the page against these lists.

export interface FieldSpec {
  name: string;
  /** Required, optional (blank allowed) or repeating. */
  presence: 'required' | 'optional' | 'repeating';
  description: string;
}

export interface Layout {
  code: string;
  title: string;
  fields: readonly FieldSpec[];
}

export function layoutMarkdown(layout: Layout): string {
  const rows = layout.fields.map((f, i) => `| ${i + 1} | \`${f.name}\` | ${f.presence} | ${f.description} |`);
  return ['| # | Field | Presence | Meaning and rule |', '|---|---|---|---|', ...rows].join('\n');
}
