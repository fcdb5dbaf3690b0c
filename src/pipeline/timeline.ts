/**
 * Sample message timelines for the viewer: every hop of a few application messages (payload
 * chain plus replication, receipts and sync copies carrying the same message id), with what
 * the receiving party reads and which adversaries hold each end.
 */
import type { View } from '../adversary/view.js';
import { type Hosts, ROLE_NAMES } from '../net/hosts.js';
import { KIND_NAMES, type ObservationLog, VIS_RX } from '../net/log.js';
import type { GroundTruth } from '../net/truth.js';
import type { WorldWorkload } from './job.js';
import type { Timeline } from './types.js';

const SAMPLES = 3;

function sees(log: ObservationLog, hosts: Hosts, r: number): string {
  const parts = [`ip of ${hosts.label[log.from[r]]}`];
  if ((log.idVis[r] & VIS_RX) !== 0) {
    if (log.sAcct[r] >= 0) parts.push(`sender account ${log.sAcct[r]}`);
    if (log.rAcct[r] >= 0) parts.push(`recipient account ${log.rAcct[r]}`);
    if (log.obj[r] >= 0) parts.push(`object id ${log.obj[r]}`);
  }
  parts.push(`${log.bytes[r]} bytes`);
  return parts.join('; ');
}

export function buildTimelines(
  log: ObservationLog,
  truth: GroundTruth,
  hosts: Hosts,
  workload: WorldWorkload,
  design: string,
  views: { name: string; view: View }[],
): Timeline[] {
  const picked: number[] = [];
  const seen = new Set<number>();
  // The first 1:1 deliveries, then the first group delivery if any.
  for (let d = 0; d < truth.length && picked.length < SAMPLES - 1; d++) {
    if (truth.group[d] < 0 && !seen.has(truth.msg[d])) {
      picked.push(d);
      seen.add(truth.msg[d]);
    }
  }
  for (let d = 0; d < truth.length; d++) {
    if (truth.group[d] >= 0) {
      picked.push(d);
      break;
    }
  }
  const byMsg = new Map<number, number[]>();
  const wanted = new Set(picked.map((d) => truth.msg[d]));
  for (let r = 0; r < log.length; r++) {
    if (!wanted.has(log.msg[r])) continue;
    const list = byMsg.get(log.msg[r]);
    if (list) list.push(r);
    else byMsg.set(log.msg[r], [r]);
  }
  return picked.map((d) => {
    const m = truth.msg[d];
    const rows = byMsg.get(m) ?? [];
    return {
      design,
      message: m,
      sender: workload.sender[m],
      recipient: truth.recipient[d],
      hops: rows.map((r) => ({
        from: hosts.label[log.from[r]],
        to: hosts.label[log.to[r]],
        fromRole: ROLE_NAMES[hosts.role[log.from[r]]],
        toRole: ROLE_NAMES[hosts.role[log.to[r]]],
        tTxMs: log.tTx[r] / 1e6,
        tRxMs: log.tRx[r] / 1e6,
        bytes: log.bytes[r],
        kind: KIND_NAMES[log.kind[r]] ?? String(log.kind[r]),
        sees: sees(log, hosts, r),
        heldBy: views
          .filter(({ view }) => view.global || view.held[log.from[r]] === 1 || view.held[log.to[r]] === 1)
          .map(({ name }) => name),
        fromHeldBy: views.filter(({ view }) => view.held[log.from[r]] === 1).map(({ name }) => name),
        toHeldBy: views.filter(({ view }) => view.held[log.to[r]] === 1).map(({ name }) => name),
      })),
    };
  });
}
