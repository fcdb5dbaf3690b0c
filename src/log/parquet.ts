/**
 * Parquet files through hyparquet-writer (why this writer: README, dependency notes): one
 * `TableFile` per table, written row group by row group so a caller can stream rows out while
 * the simulation is still producing them. Writing is synchronous (the simulation runs
 * synchronously inside a worker); the file goes straight to disk in 1 MB pieces.
 */
import type { SchemaElement } from 'hyparquet';
import { fileWriter, ParquetWriter } from 'hyparquet-writer';
import { type ColumnSpec, LOG_FORMAT } from './schema.js';

/** Values of one column for one row group, in the JavaScript form hyparquet-writer takes for the column's type. */
export type ColumnValues = Int32Array | BigInt64Array | Float64Array | string[] | boolean[];

const TWO_32 = 2 ** 32;

/**
 * Integer-valued doubles (ns times) as INT64 without allocating a BigInt per value: the two
 * 32-bit words of each value are written straight into the array's buffer (little-endian).
 */
export function toInt64(src: ArrayLike<number>, lo = 0, hi = src.length): BigInt64Array {
  const out = new BigInt64Array(hi - lo);
  const words = new Int32Array(out.buffer);
  for (let i = lo; i < hi; i++) {
    const x = src[i];
    const high = Math.floor(x / TWO_32);
    words[2 * (i - lo)] = x - high * TWO_32;
    words[2 * (i - lo) + 1] = high;
  }
  return out;
}

const ENCODINGS = { delta: 'DELTA_BINARY_PACKED', split: 'BYTE_STREAM_SPLIT' } as const;

function schemaElement(c: ColumnSpec): SchemaElement {
  const base = { name: c.name, repetition_type: 'REQUIRED' as const };
  return c.type === 'STRING' ? { ...base, type: 'BYTE_ARRAY', converted_type: 'UTF8' } : { ...base, type: c.type };
}

export class TableFile {
  private readonly writer: ParquetWriter;
  rows = 0;

  constructor(
    readonly path: string,
    private readonly columns: readonly ColumnSpec[],
    table: string,
  ) {
    this.writer = new ParquetWriter({
      writer: fileWriter(path),
      schema: [{ name: 'root', num_children: columns.length }, ...columns.map(schemaElement)],
      codec: 'SNAPPY',
      kvMetadata: [
        { key: 'anonsim.log_format', value: String(LOG_FORMAT) },
        { key: 'anonsim.table', value: table },
      ],
      createdBy: 'anonsim (hyparquet-writer)',
    });
  }

  /** Appends one row group; `data` holds every column by name, all of one length (> 0). */
  writeGroup(data: Record<string, ColumnValues>): void {
    const n = data[this.columns[0].name].length;
    if (n === 0) return;
    const columnData = this.columns.map((c) => {
      const values = data[c.name];
      if (!values || values.length !== n)
        throw new Error(`column ${c.name}: ${values?.length ?? 0} values, expected ${n}`);
      return {
        name: c.name,
        data: values,
        statistics: c.stats === true,
        ...(c.encoding ? { encoding: ENCODINGS[c.encoding] } : {}),
      };
    });
    this.writer.write({ columnData, rowGroupSize: n });
    this.rows += n;
  }

  /** Writes the footer and closes the file (an empty table gets a valid file with no row groups). */
  finish(): void {
    this.writer.finish();
  }
}
