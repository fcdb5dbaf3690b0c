/**
 * Streams rows (arrays of already-formatted cells) through csv-stringify into a file, hashing
 * the bytes on the way (SHA-256 for manifest.json) and optionally keeping the text (for the
 * inlined report). Backpressure is respected: each write that fills the buffer awaits 'drain'.
 * The file is created exclusively (`wx`): callers write into a fresh staging folder.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';

export interface CsvResult {
  sha256: string;
  bytes: number;
  rows: number;
  text?: string;
}

/** Throws the signal's reason (or an AbortError) when aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const reason = signal.reason;
    if (reason instanceof Error) throw reason;
    const e = new Error('the run was interrupted');
    e.name = 'AbortError';
    throw e;
  }
}

export async function writeCsv(
  path: string,
  header: readonly string[],
  rows: Iterable<string[]>,
  opts: { keepText?: boolean; signal?: AbortSignal } = {},
): Promise<CsvResult> {
  const hash = createHash('sha256');
  const kept: Buffer[] = [];
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      if (opts.keepText) kept.push(chunk);
      cb(null, chunk);
    },
  });
  const stringifier = stringify({ record_delimiter: 'unix', eof: true });
  const done = pipeline(stringifier, tap, createWriteStream(path, { flags: 'wx' }));
  let n = 0;
  try {
    const write = async (row: readonly string[]) => {
      if (!stringifier.write(row)) await once(stringifier, 'drain');
    };
    await write(header);
    for (const r of rows) {
      await write(r);
      if ((++n & 0xfff) === 0) throwIfAborted(opts.signal);
    }
    stringifier.end();
    await done;
  } catch (e) {
    stringifier.destroy(e as Error);
    await done.catch(() => {});
    throw e;
  }
  return {
    sha256: hash.digest('hex'),
    bytes,
    rows: n,
    text: opts.keepText ? Buffer.concat(kept).toString('utf8') : undefined,
  };
}
