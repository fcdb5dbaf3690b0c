/**
 * Reads a saved world (write.ts) back into the `World` a job attacks, exactly as simulated:
 * same rows, same order, same doubles. Only the columns a job uses are read (never the hops'
 * role columns: hosts.parquet has the roles), one row group at a time so the file is never held
 * whole. The hops' ground-truth `kind` and `msg` are read too: the targets (which copies of a
 * payload anchor a delivery) and the viewer's timelines use them, as on a simulated world.
 *
 * `checkWorld` is the cheap pre-flight (world.json and every table's footer) that `anonsim
 * attack` runs before starting, so a foreign, truncated or incomplete log is one clear problem
 * instead of a failure inside a worker.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileMetaData } from 'hyparquet';
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead } from 'hyparquet';
import { Hosts } from '../net/hosts.js';
import { type KindId, ObservationLog, PeriodicFlows, VIS_RX, VIS_TX } from '../net/log.js';
import { GroundTruth } from '../net/truth.js';
import { KINDS, LOG_FORMAT, ROLES, TABLE_COLUMNS, TABLES, type TableName } from './schema.js';
import type { World, WorldWorkload } from './world.js';
import type { WorldMeta } from './write.js';

/** A saved log that cannot be read: which file, what is wrong, what was expected. */
export class LogError extends Error {
  constructor(
    readonly file: string,
    message: string,
    readonly expected: string,
  ) {
    super(message);
  }
}

const REWRITE = 'a log written by `anonsim run --log` of this anonsim version (run it again with --log)';

function readWorldMeta(dir: string): WorldMeta {
  const file = join(dir, 'world.json');
  if (!existsSync(file)) throw new LogError(file, 'is missing', `${REWRITE}`);
  let meta: WorldMeta;
  try {
    meta = JSON.parse(readFileSync(file, 'utf8')) as WorldMeta;
  } catch (e) {
    throw new LogError(file, `is not valid JSON (${(e as Error).message})`, REWRITE);
  }
  if (meta.format !== LOG_FORMAT)
    throw new LogError(file, `is log format ${String(meta.format)}; this anonsim reads format ${LOG_FORMAT}`, REWRITE);
  return meta;
}

/** Expected row count of each table, from world.json (null: not recorded, any count). */
function expectedRows(meta: WorldMeta, table: TableName): number | null {
  switch (table) {
    case 'hops':
      return meta.hops;
    case 'truth':
      return meta.deliveries;
    case 'messages':
      return meta.messages;
    default:
      return null;
  }
}

async function tableMeta(dir: string, table: TableName, meta: WorldMeta): Promise<FileMetaData> {
  const file = join(dir, `${table}.parquet`);
  if (!existsSync(file)) throw new LogError(file, 'is missing', `every table of a saved world (${TABLES.join(', ')})`);
  let md: FileMetaData;
  try {
    md = await parquetMetadataAsync(await asyncBufferFromFile(file));
  } catch (e) {
    throw new LogError(file, `is not a readable Parquet file (${(e as Error).message}); truncated?`, REWRITE);
  }
  const kv = new Map((md.key_value_metadata ?? []).map((k) => [k.key, k.value]));
  const format = kv.get('anonsim.log_format');
  if (format !== String(LOG_FORMAT))
    throw new LogError(
      file,
      format === undefined
        ? 'was not written by anonsim'
        : `is log format ${format}; this anonsim reads format ${LOG_FORMAT}`,
      REWRITE,
    );
  const names = new Set(md.schema.slice(1).map((s) => s.name));
  const missing = TABLE_COLUMNS[table].filter((c) => !names.has(c.name)).map((c) => c.name);
  if (missing.length > 0) throw new LogError(file, `lacks column(s) ${missing.join(', ')}`, REWRITE);
  const want = expectedRows(meta, table);
  if (want !== null && Number(md.num_rows) !== want)
    throw new LogError(file, `has ${md.num_rows} rows; world.json says ${want}`, REWRITE);
  return md;
}

/** Pre-flight: world.json and every table's footer, schema version, columns and row count. */
export async function checkWorld(dir: string): Promise<WorldMeta> {
  if (!existsSync(dir)) throw new LogError(dir, 'is missing', REWRITE);
  const meta = readWorldMeta(dir);
  for (const t of TABLES) await tableMeta(dir, t, meta);
  return meta;
}

type Sink = (values: ArrayLike<unknown>, at: number) => void;

/** Reads `columns` of a table one row group at a time, handing each chunk to its sink at its row offset. */
async function readColumns(
  dir: string,
  table: TableName,
  meta: WorldMeta,
  sinks: Record<string, Sink>,
): Promise<number> {
  const md = await tableMeta(dir, table, meta);
  const file = await asyncBufferFromFile(join(dir, `${table}.parquet`));
  const columns = Object.keys(sinks);
  let start = 0;
  for (const g of md.row_groups) {
    const end = start + Number(g.num_rows);
    await parquetRead({
      file,
      metadata: md,
      columns,
      rowStart: start,
      rowEnd: end,
      onChunk: ({ columnName, columnData, rowStart }) => sinks[columnName](columnData, rowStart),
    });
    start = end;
  }
  return start;
}

/** Copies a chunk into `dst` at its row offset: one memcpy when the reader decoded the same typed array. */
function into(dst: Float64Array | Int32Array | number[]): Sink {
  return (v, at) => {
    if (!Array.isArray(dst) && v.constructor === dst.constructor) {
      (dst as Float64Array).set(v as Float64Array, at);
      return;
    }
    const src = v as ArrayLike<number>;
    for (let i = 0; i < src.length; i++) dst[at + i] = src[i];
  };
}

const KIND_IDS = new Map(Object.entries(KINDS).map(([id, name]) => [name, Number(id)]));
const ROLE_IDS = new Map(ROLES.map((name, id) => [name, id]));

function code(ids: Map<string, number>, what: string): (name: unknown) => number {
  return (name) => {
    const id = ids.get(name as string);
    if (id === undefined) throw new Error(`saved log: unknown ${what} "${String(name)}"`);
    return id;
  };
}

async function loadHops(dir: string, meta: WorldMeta): Promise<ObservationLog> {
  const n = meta.hops;
  const log = new ObservationLog();
  log.reserve(n);
  log.length = n;
  log.trim();
  const kindOf = code(KIND_IDS, 'kind');
  const vis =
    (bit: number): Sink =>
    (v, at) => {
      const b = v as ArrayLike<boolean>;
      for (let i = 0; i < b.length; i++) if (b[i]) log.idVis[at + i] |= bit;
    };
  const sinks: Record<string, Sink> = {
    t_tx_ns: into(log.tTx),
    t_rx_ns: into(log.tRx),
    from_host: into(log.from),
    to_host: into(log.to),
    bytes: into(log.bytes),
    prev: into(log.prev),
    s_acct: into(log.sAcct),
    r_acct: into(log.rAcct),
    obj: into(log.obj),
    to_reads_ids: vis(VIS_RX),
    from_reads_ids: vis(VIS_TX),
    msg: into(log.msg),
    kind: (v, at) => {
      const k = v as ArrayLike<string>;
      for (let i = 0; i < k.length; i++) log.kind[at + i] = kindOf(k[i]) as KindId;
    },
  };
  await readColumns(dir, 'hops', meta, sinks);
  return log;
}

async function loadTruth(dir: string, meta: WorldMeta): Promise<GroundTruth> {
  const n = meta.deliveries;
  const cols = {
    msg: new Int32Array(n),
    sender: new Int32Array(n),
    recipient: new Int32Array(n),
    group: new Int32Array(n),
    t_written_ns: new Float64Array(n),
    t_delivered_ns: new Float64Array(n),
    final_row: new Int32Array(n),
  };
  await readColumns(dir, 'truth', meta, Object.fromEntries(Object.entries(cols).map(([k, a]) => [k, into(a)])));
  const t = new GroundTruth();
  for (let d = 0; d < n; d++)
    t.record(
      cols.msg[d],
      cols.sender[d],
      cols.recipient[d],
      cols.group[d],
      cols.t_written_ns[d],
      cols.t_delivered_ns[d],
      cols.final_row[d],
    );
  return t;
}

async function loadHosts(dir: string, meta: WorldMeta): Promise<Hosts> {
  const role: number[] = [];
  const ip: number[] = [];
  const label: string[] = [];
  const roleOf = code(ROLE_IDS, 'role');
  await readColumns(dir, 'hosts', meta, {
    role: (v, at) => {
      for (let i = 0; i < v.length; i++) role[at + i] = roleOf(v[i]);
    },
    ip: into(ip),
    label: (v, at) => {
      for (let i = 0; i < v.length; i++) label[at + i] = String(v[i]);
    },
  });
  return Hosts.fromColumns(meta.users, role, ip, label);
}

async function loadMessages(dir: string, meta: WorldMeta): Promise<WorldWorkload> {
  const n = meta.messages;
  const w = {
    sender: new Int32Array(n),
    recipient: new Int32Array(n),
    group: new Int32Array(n),
    tSend: new Float64Array(n),
    size: new Int32Array(n),
    replyTo: new Int32Array(n),
  };
  await readColumns(dir, 'messages', meta, {
    sender: into(w.sender),
    recipient: into(w.recipient),
    group: into(w.group),
    t_written_ns: into(w.tSend),
    bytes: into(w.size),
    reply_to: into(w.replyTo),
  });
  // A world's workload holds real messages only (a design appends its cover messages to its own copy).
  return { users: meta.users, count: n, realCount: n, ...w };
}

async function loadPeriodic(dir: string, meta: WorldMeta): Promise<PeriodicFlows> {
  const cols: Record<string, unknown[]> = {};
  const keep =
    (name: string): Sink =>
    (v, at) => {
      const a = (cols[name] ??= []);
      for (let i = 0; i < v.length; i++) a[at + i] = v[i];
    };
  const names = ['flow', 'host', 'kind', 'period_ns', 'phase_ns', 'start_ns', 'end_ns', 'bytes_per_link', 'bytes_up'];
  const rows = await readColumns(dir, 'periodic', meta, Object.fromEntries(names.map((c) => [c, keep(c)])));
  const kindOf = code(KIND_IDS, 'kind');
  const flows = new PeriodicFlows();
  // Rows of one flow are consecutive, in path order (write.ts).
  for (let r = 0; r < rows; ) {
    const f = cols.flow[r];
    let e = r;
    while (e < rows && cols.flow[e] === f) e++;
    flows.add({
      path: Int32Array.from(cols.host.slice(r, e) as number[]),
      period: cols.period_ns[r] as number,
      phase: cols.phase_ns[r] as number,
      start: cols.start_ns[r] as number,
      end: cols.end_ns[r] as number,
      bytesPerLink: cols.bytes_per_link[r] as number,
      bytesUp: cols.bytes_up[r] as number,
      kind: kindOf(cols.kind[r]) as KindId,
    });
    r = e;
  }
  return flows;
}

/** Loads one saved world. */
export async function loadWorld(dir: string): Promise<{ world: World; meta: WorldMeta }> {
  const meta = readWorldMeta(dir);
  const world: World = {
    workload: await loadMessages(dir, meta),
    events: meta.events,
    hosts: await loadHosts(dir, meta),
    log: await loadHops(dir, meta),
    truth: await loadTruth(dir, meta),
    periodic: await loadPeriodic(dir, meta),
    built: meta.built,
  };
  return { world, meta };
}
