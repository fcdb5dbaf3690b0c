/**
 * Writes one simulated world as Parquet tables (schema.ts) into its own folder. Hops stream out
 * while the simulation runs: the observation log calls `flushHops` each time HOP_GROUP_ROWS new
 * rows exist (rows never change once logged), so the writer holds at most one row group's
 * conversion buffers beside the log the run keeps anyway. Everything else is written once the
 * world has run. The folder is written under a temporary name and renamed when complete
 * (`commitWorld`), so a crash never leaves a folder that looks whole.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BuiltDesign } from '../designs/design.js';
import type { Hosts } from '../net/hosts.js';
import { type ObservationLog, type PeriodicFlows, requestBytes, VIS_RX, VIS_TX } from '../net/log.js';
import type { GroundTruth } from '../net/truth.js';
import { type ColumnValues, TableFile } from './parquet.js';
import {
  HOP_COLUMNS,
  HOP_GROUP_ROWS,
  HOST_COLUMNS,
  KINDS,
  LOG_FORMAT,
  MESSAGE_COLUMNS,
  PERIODIC_COLUMNS,
  ROLES,
  TRUTH_COLUMNS,
} from './schema.js';
import type { WorldWorkload } from './world.js';

/** What a world folder's world.json records besides the tables (everything re-attacking needs). */
export interface WorldMeta {
  format: number;
  world: string;
  kind: 'run' | 'calibration';
  job: number;
  replicate: number;
  designIndex: number;
  design: string;
  designId: string;
  seed: number;
  cells: number[];
  users: number;
  duration: number;
  warmup: number;
  events: number;
  hops: number;
  deliveries: number;
  messages: number;
  /** The design's facts (BuiltDesign); `infra` in the design's order (colluding sets are drawn over it). */
  built: BuiltDesign;
}

export const TEMP_SUFFIX = '.partial';

function kindName(k: number): string {
  return KINDS[k] ?? String(k);
}

/** Streams one world's hops, then writes its other tables and world.json. */
export class WorldLogWriter {
  private readonly hops: TableFile;
  private written = 0;

  /** Row groups streamed out while the simulation was still running (the rest go at `finish`). */
  groupsDuringRun = 0;
  private running = true;

  /**
   * `dir` is the final folder; files go to `dir + TEMP_SUFFIX` until `commitWorld`. `groupRows`:
   * rows per hop row group (HOP_GROUP_ROWS; tests pass fewer to exercise streaming).
   */
  constructor(
    readonly dir: string,
    private readonly hosts: Hosts,
    private readonly log: ObservationLog,
    private readonly groupRows = HOP_GROUP_ROWS,
  ) {
    rmSync(this.tempDir, { recursive: true, force: true });
    mkdirSync(this.tempDir, { recursive: true });
    this.hops = new TableFile(join(this.tempDir, 'hops.parquet'), HOP_COLUMNS, 'hops');
    log.onRows(groupRows, () => this.flushHops());
  }

  get tempDir(): string {
    return `${this.dir}${TEMP_SUFFIX}`;
  }

  /** Writes every logged row not yet written, in row groups of at most HOP_GROUP_ROWS. */
  flushHops(): void {
    const log = this.log;
    while (this.written < log.length) {
      const lo = this.written;
      const hi = Math.min(log.length, lo + this.groupRows);
      this.hops.writeGroup(hopGroup(log, this.hosts.role, lo, hi));
      this.written = hi;
      if (this.running) this.groupsDuringRun++;
    }
  }

  /** Writes the remaining tables; the folder keeps its temporary name until `commitWorld`. */
  finish(truth: GroundTruth, periodic: PeriodicFlows, workload: WorldWorkload, meta: Omit<WorldMeta, 'format'>): void {
    this.log.onRows(0, null);
    this.running = false;
    this.flushHops();
    this.hops.finish();
    const table = (name: string, cols: typeof HOST_COLUMNS, data: Record<string, ColumnValues>) => {
      const f = new TableFile(join(this.tempDir, `${name}.parquet`), cols, name);
      f.writeGroup(data);
      f.finish();
    };
    table('truth', TRUTH_COLUMNS, truthColumns(truth));
    table('hosts', HOST_COLUMNS, hostColumns(this.hosts, meta.built));
    table('messages', MESSAGE_COLUMNS, messageColumns(workload));
    table('periodic', PERIODIC_COLUMNS, periodicColumns(periodic));
    const full: WorldMeta = { format: LOG_FORMAT, ...meta };
    writeFileSync(join(this.tempDir, 'world.json'), `${JSON.stringify(full, null, 1)}\n`);
  }
}

/** Renames a finished world folder into place (replacing an older one of the same name). */
export function commitWorld(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  renameSync(`${dir}${TEMP_SUFFIX}`, dir);
}

function hopGroup(log: ObservationLog, role: readonly number[], lo: number, hi: number): Record<string, ColumnValues> {
  const n = hi - lo;
  const row = new Int32Array(n);
  const fromRole = new Array<string>(n);
  const toRole = new Array<string>(n);
  const kind = new Array<string>(n);
  const toReads = new Array<boolean>(n);
  const fromReads = new Array<boolean>(n);
  for (let i = 0; i < n; i++) {
    const r = lo + i;
    row[i] = r;
    fromRole[i] = ROLES[role[log.from[r]]];
    toRole[i] = ROLES[role[log.to[r]]];
    kind[i] = kindName(log.kind[r]);
    toReads[i] = (log.idVis[r] & VIS_RX) !== 0;
    fromReads[i] = (log.idVis[r] & VIS_TX) !== 0;
  }
  return {
    row,
    t_tx_ns: log.tTx.subarray(lo, hi),
    t_rx_ns: log.tRx.subarray(lo, hi),
    from_host: log.from.subarray(lo, hi),
    to_host: log.to.subarray(lo, hi),
    from_role: fromRole,
    to_role: toRole,
    bytes: log.bytes.subarray(lo, hi),
    kind,
    prev: log.prev.subarray(lo, hi),
    msg: log.msg.subarray(lo, hi),
    s_acct: log.sAcct.subarray(lo, hi),
    r_acct: log.rAcct.subarray(lo, hi),
    obj: log.obj.subarray(lo, hi),
    to_reads_ids: toReads,
    from_reads_ids: fromReads,
  };
}

function iota(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

function truthColumns(t: GroundTruth): Record<string, ColumnValues> {
  const n = t.length;
  const kind = new Array<string>(n);
  for (let d = 0; d < n; d++) kind[d] = t.group[d] >= 0 ? 'group' : 'direct';
  return {
    delivery: iota(n),
    msg: t.msg.slice(0, n),
    kind,
    sender: t.sender.slice(0, n),
    recipient: t.recipient.slice(0, n),
    group: t.group.slice(0, n),
    t_written_ns: t.tSend.slice(0, n),
    t_delivered_ns: t.tDeliver.slice(0, n),
    final_row: t.finalRow.slice(0, n),
  };
}

function hostColumns(hosts: Hosts, built: BuiltDesign): Record<string, ColumnValues> {
  const n = hosts.count;
  const infra = new Array<boolean>(n).fill(false);
  for (const h of built.infra) infra[h] = true;
  const push = new Array<boolean>(n).fill(false);
  for (const h of built.pushHosts) push[h] = true;
  const central = new Array<boolean>(n).fill(false);
  if (built.central >= 0 && built.central < n) central[built.central] = true;
  return {
    host: iota(n),
    role: hosts.role.map((r) => ROLES[r]),
    ip: Int32Array.from(hosts.ip),
    label: [...hosts.label],
    infra,
    central,
    push,
  };
}

function messageColumns(w: WorldWorkload): Record<string, ColumnValues> {
  const n = w.count;
  return {
    msg: iota(n),
    sender: w.sender.slice(0, n),
    recipient: w.recipient.slice(0, n),
    group: w.group.slice(0, n),
    t_written_ns: w.tSend.slice(0, n),
    bytes: w.size.slice(0, n),
    reply_to: w.replyTo.slice(0, n),
  };
}

function periodicColumns(p: PeriodicFlows): Record<string, ColumnValues> {
  let n = 0;
  for (const f of p.flows) n += f.path.length;
  const flow = new Int32Array(n);
  const position = new Int32Array(n);
  const host = new Int32Array(n);
  const kind = new Array<string>(n);
  const scalars = { period: new Float64Array(n), phase: new Float64Array(n), start: new Float64Array(n) };
  const end = new Float64Array(n);
  const bytes = new Float64Array(n);
  const up = new Float64Array(n);
  let k = 0;
  p.flows.forEach((f, i) => {
    for (let j = 0; j < f.path.length; j++, k++) {
      flow[k] = i;
      position[k] = j;
      host[k] = f.path[j];
      kind[k] = kindName(f.kind);
      scalars.period[k] = f.period;
      scalars.phase[k] = f.phase;
      scalars.start[k] = f.start;
      end[k] = f.end;
      bytes[k] = f.bytesPerLink;
      up[k] = requestBytes(f);
    }
  });
  return {
    flow,
    position,
    host,
    kind,
    period_ns: scalars.period,
    phase_ns: scalars.phase,
    start_ns: scalars.start,
    end_ns: end,
    bytes_per_link: bytes,
    bytes_up: up,
  };
}
