/**
 * Reads the CSVs anonsim writes (RFC 4180: `,` separated, `"` quoted with `""` escapes, `\n` or
 * `\r\n` line ends) back into records keyed by header, for commands that work on results
 * folders (`anonsim compare`, `anonsim tables`). Values stay text; callers convert.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';

export type CsvRecord = Record<string, string>;

export interface CsvTable {
  columns: string[];
  rows: CsvRecord[];
}

/** Splits CSV text into rows of fields. */
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
      i++;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      if (ch === '\r' && text[i + 1] === '\n') i++;
    } else field += ch;
    i++;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export function parseCsv(text: string): CsvTable {
  const [columns = [], ...body] = parseCsvRows(text);
  const rows = body.map((r) => {
    const rec: CsvRecord = {};
    columns.forEach((c, j) => {
      rec[c] = r[j] ?? '';
    });
    return rec;
  });
  return { columns, rows };
}

/** Reads `path`; InputError (exit 2) naming `what` when it is missing or unreadable. */
export function readCsvFile(path: string, what: string): CsvTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new InputError(
      `${path} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}`,
      what,
      'a results folder written by anonsim run or merge',
    );
  }
  return parseCsv(text);
}

/** A numeric cell: empty (NaN in anonsim's CSVs) → NaN. */
export function num(v: string | undefined): number {
  return v === undefined || v === '' ? Number.NaN : Number(v);
}
