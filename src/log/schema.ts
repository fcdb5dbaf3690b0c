/**
 * The saved observation log's schema (docs/log.md): one folder per simulated world under
 * `DIR/log/`, each with Parquet tables, plus `worlds.parquet` and `log.json` at the top.
 * Writer (write.ts) and reader (read.ts) both take their columns from here, so a column added
 * to the simulator's arrays is added in one place; `LOG_FORMAT` changes whenever a file written
 * by an older anonsim would be read differently (the reader refuses other versions).
 *
 * Conventions: times are nanoseconds since the start of the run as the simulator holds them
 * (DOUBLE holding whole ns, exact to 2^53 ns ≈ 104 days: the simulator keeps time integer,
 * src/core/sim.ts); ids are INT32 with -1
 * for "none"; roles and kinds are strings (dictionary-encoded in the file, so a column
 * of a few distinct names costs well under a byte per row).
 */
import { ROLE_NAMES } from '../net/hosts.js';
import { KIND_NAMES } from '../net/log.js';

/** Schema version of every file in a saved log (written into log.json, world.json and each file's metadata). */
export const LOG_FORMAT = 2;
/** Folder of the saved log inside a results folder. */
export const LOG_DIR = 'log';
/** Rows per Parquet row group of the hop table: also how many rows the writer holds before it streams them out. */
export const HOP_GROUP_ROWS = 1 << 20;

export type ColumnType = 'INT32' | 'INT64' | 'DOUBLE' | 'STRING' | 'BOOLEAN';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  /**
   * `delta`: DELTA_BINARY_PACKED, for (nearly) sorted integers; `split`: BYTE_STREAM_SPLIT, for
   * times (doubles whose high bytes repeat); otherwise the writer picks dictionary or plain.
   */
  encoding?: 'delta' | 'split';
  /** Min/max statistics per row group (time columns: lets readers skip row groups by time). */
  stats?: boolean;
  doc: string;
}

/** Names of the tables (files `<name>.parquet`) in each world folder. */
export const TABLES = ['hops', 'truth', 'hosts', 'messages', 'periodic'] as const;
export type TableName = (typeof TABLES)[number];

/**
 * One row per hop (src/net/log.ts ObservationLog), in the order the simulation logged them
 * (non-decreasing `t_tx_ns`). `field` names the ObservationLog column each file column carries
 * (test/log/schema.test.ts checks every ObservationLog column is carried).
 */
export const HOP_COLUMNS: readonly (ColumnSpec & { field: string })[] = [
  { name: 'row', field: '(index)', type: 'INT32', encoding: 'delta', stats: true, doc: 'row number, 0-based' },
  {
    name: 't_tx_ns',
    field: 'tTx',
    type: 'DOUBLE',
    encoding: 'split',
    stats: true,
    doc: 'time the sender put it on the link',
  },
  { name: 't_rx_ns', field: 'tRx', type: 'DOUBLE', encoding: 'split', stats: true, doc: 'time the receiver got it' },
  { name: 'from_host', field: 'from', type: 'INT32', doc: 'sending host (hosts.parquet `host`)' },
  { name: 'to_host', field: 'to', type: 'INT32', doc: 'receiving host' },
  { name: 'from_role', field: '(hosts.role of from)', type: 'STRING', doc: 'role of the sending host' },
  { name: 'to_role', field: '(hosts.role of to)', type: 'STRING', doc: 'role of the receiving host' },
  { name: 'bytes', field: 'bytes', type: 'INT32', doc: 'size on the wire' },
  { name: 'kind', field: 'kind', type: 'STRING', doc: 'ground truth: what the packet is (message, poll, …)' },
  {
    name: 'prev',
    field: 'prev',
    type: 'INT32',
    doc: 'row whose arrival at from_host caused this one; -1 at the origin',
  },
  {
    name: 'msg',
    field: 'msg',
    type: 'INT32',
    doc: 'ground truth: application message id (messages.parquet), -1 for control',
  },
  { name: 's_acct', field: 'sAcct', type: 'INT32', doc: 'sender account readable at this layer, -1 none' },
  { name: 'r_acct', field: 'rAcct', type: 'INT32', doc: 'recipient account readable at this layer, -1 none' },
  { name: 'obj', field: 'obj', type: 'INT32', doc: 'queue / room / swarm / group id readable at this layer, -1 none' },
  {
    name: 'to_reads_ids',
    field: 'idVis',
    type: 'BOOLEAN',
    doc: 'the receiving party reads s_acct, r_acct, obj (VIS_RX)',
  },
  { name: 'from_reads_ids', field: 'idVis', type: 'BOOLEAN', doc: 'the sending party reads them (VIS_TX)' },
];

/** One row per delivery (src/net/truth.ts GroundTruth): a message, or one recipient's copy of a group message. */
export const TRUTH_COLUMNS: readonly (ColumnSpec & { field: string })[] = [
  { name: 'delivery', field: '(index)', type: 'INT32', encoding: 'delta', doc: 'delivery number, 0-based' },
  { name: 'msg', field: 'msg', type: 'INT32', doc: 'message id (messages.parquet)' },
  { name: 'kind', field: '(group >= 0)', type: 'STRING', doc: '`direct` (1:1) or `group` (one recipient copy)' },
  { name: 'sender', field: 'sender', type: 'INT32', doc: 'sending user (= its device host id)' },
  { name: 'recipient', field: 'recipient', type: 'INT32', doc: 'receiving user' },
  { name: 'group', field: 'group', type: 'INT32', doc: 'group id, -1 for 1:1' },
  { name: 't_written_ns', field: 'tSend', type: 'DOUBLE', encoding: 'split', doc: 'time the sender wrote it' },
  {
    name: 't_delivered_ns',
    field: 'tDeliver',
    type: 'DOUBLE',
    encoding: 'split',
    stats: true,
    doc: "time it reached the recipient's device",
  },
  { name: 'final_row', field: 'finalRow', type: 'INT32', doc: "hop (hops.parquet `row`) into the recipient's device" },
];

export const HOST_COLUMNS: readonly ColumnSpec[] = [
  {
    name: 'host',
    type: 'INT32',
    encoding: 'delta',
    doc: 'host id; 0 … users−1 are the users’ devices (host id = user id)',
  },
  { name: 'role', type: 'STRING', doc: `one of ${ROLE_NAMES.join(', ')}` },
  { name: 'ip', type: 'INT32', doc: 'network address; users behind one NAT share it' },
  { name: 'label', type: 'STRING', doc: 'name in the viewer (user-3, server, snode-17, …)' },
  { name: 'infra', type: 'BOOLEAN', doc: 'an adversary may compromise it (colluding, single: random)' },
  { name: 'central', type: 'BOOLEAN', doc: 'the design’s most central party (single: server)' },
  { name: 'push', type: 'BOOLEAN', doc: 'a platform push provider' },
];

/**
 * The workload's messages (src/workload/types.ts). Cover messages of a countermeasure are the
 * design's own and are not listed: in hops.parquet they carry msg ids ≥ the row count here.
 */
export const MESSAGE_COLUMNS: readonly ColumnSpec[] = [
  { name: 'msg', type: 'INT32', encoding: 'delta', doc: 'message id' },
  { name: 'sender', type: 'INT32', doc: 'writing user' },
  { name: 'recipient', type: 'INT32', doc: 'receiving user, -1 for a group message' },
  { name: 'group', type: 'INT32', doc: 'group id, -1 for 1:1' },
  { name: 't_written_ns', type: 'DOUBLE', encoding: 'split', doc: 'time written' },
  { name: 'bytes', type: 'INT32', doc: 'plaintext size' },
  { name: 'reply_to', type: 'INT32', doc: 'message it answers, -1 none' },
];

/**
 * Periodic background flows (src/net/log.ts PeriodicFlow), one row per host on a flow's path in
 * order (`position` 0 is the user's device); the flow's scalar fields repeat on each of its rows.
 * `field` names the PeriodicFlow field each column carries (checked like HOP_COLUMNS).
 */
export const PERIODIC_COLUMNS: readonly (ColumnSpec & { field: string })[] = [
  { name: 'flow', field: '(index)', type: 'INT32', encoding: 'delta', doc: 'flow number' },
  { name: 'position', field: 'path', type: 'INT32', doc: 'position of this host on the path' },
  { name: 'host', field: 'path', type: 'INT32', doc: 'host at that position' },
  { name: 'kind', field: 'kind', type: 'STRING', doc: 'what the exchange is (poll, keepalive, …)' },
  { name: 'period_ns', field: 'period', type: 'DOUBLE', doc: 'one exchange every period …' },
  { name: 'phase_ns', field: 'phase', type: 'DOUBLE', doc: '… at phase + k·period …' },
  { name: 'start_ns', field: 'start', type: 'DOUBLE', doc: '… for start ≤ t …' },
  { name: 'end_ns', field: 'end', type: 'DOUBLE', doc: '… < end' },
  { name: 'bytes_per_link', field: 'bytesPerLink', type: 'DOUBLE', doc: 'bytes per exchange on each link, both ways' },
  { name: 'bytes_up', field: 'bytesUp', type: 'DOUBLE', doc: 'of those, the request away from the user' },
];

export const TABLE_COLUMNS: Record<TableName, readonly ColumnSpec[]> = {
  hops: HOP_COLUMNS,
  truth: TRUTH_COLUMNS,
  hosts: HOST_COLUMNS,
  messages: MESSAGE_COLUMNS,
  periodic: PERIODIC_COLUMNS,
};

export const ROLES: readonly string[] = ROLE_NAMES;
export const KINDS: Readonly<Record<number, string>> = KIND_NAMES;

/** Columns of `worlds.parquet`: one row per simulated world, naming its folder. */
export const WORLD_COLUMNS: readonly ColumnSpec[] = [
  { name: 'world', type: 'STRING', doc: 'folder under log/ holding the world’s tables' },
  { name: 'kind', type: 'STRING', doc: '`run` (attacked) or `calibration` (timing `calibration: independent-run`)' },
  { name: 'job', type: 'INT32', doc: 'job index in the run plan' },
  { name: 'replicate', type: 'INT32', doc: 'replicate' },
  { name: 'design', type: 'STRING', doc: 'design item name (the CSVs’ `design`)' },
  { name: 'design_id', type: 'STRING', doc: 'design (signal, session, …)' },
  { name: 'seed', type: 'INT64', doc: 'replicate seed' },
  { name: 'cells', type: 'STRING', doc: 'sweep cells simulated by this world, comma-separated' },
  { name: 'users', type: 'INT32', doc: 'users' },
  { name: 'duration_ns', type: 'DOUBLE', doc: 'simulated duration (deliveries may complete up to 60 s later)' },
  { name: 'warmup_ns', type: 'DOUBLE', doc: 'deliveries before this are not scored (first cell)' },
  { name: 'real_world_identifier', type: 'DOUBLE', doc: 'fraction of accounts tied to a phone number or e-mail' },
  { name: 'events', type: 'INT64', doc: 'events the simulation fired' },
  { name: 'hops', type: 'INT64', doc: 'rows of hops.parquet' },
  { name: 'deliveries', type: 'INT64', doc: 'rows of truth.parquet' },
];
