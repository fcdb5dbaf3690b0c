/**
 * Synthetic observation logs for validation: U users send Poisson messages (rate λ each) to a
 * uniformly chosen other user through one relay host (id = users). Each hop takes a constant
 * link latency d; the relay holds each payload for a dwell J drawn from `dwell` before
 * forwarding. A global passive observer sees both ends of both links, so J is the only
 * uncertainty (link latency is visible to it): sender → anchor = d + J + d.
 * Rows are appended in departure order (as the simulator does); ground truth in delivery order.
 */
import type { AttackInput } from '../../src/attacks/attack.js';
import { type Rng, Streams } from '../../src/core/rng.js';
import { Kind, ObservationLog } from '../../src/net/log.js';
import { GroundTruth } from '../../src/net/truth.js';

export interface StarOptions {
  users: number;
  /** Per-user send rate, per ns. */
  rate: number;
  duration: number;
  /** Constant link latency, ns. */
  d: number;
  dwell: (rng: Rng) => number;
  seed: number;
  usersPerIp?: number;
}

export interface Star {
  log: ObservationLog;
  truth: GroundTruth;
  hosts: number;
  relay: number;
  hostIp: Int32Array;
  ipStart: Int32Array;
  ipUsers: Int32Array;
}

/** Address tables for `users` user devices (usersPerIp per NAT) plus `infra` hosts. */
export function addressing(users: number, infra: number, usersPerIp = 1) {
  const hosts = users + infra;
  const hostIp = new Int32Array(hosts);
  const userIps = Math.ceil(users / usersPerIp);
  for (let u = 0; u < users; u++) hostIp[u] = Math.floor(u / usersPerIp);
  for (let h = users; h < hosts; h++) hostIp[h] = userIps + (h - users);
  const ips = userIps + infra;
  const ipStart = new Int32Array(ips + 1);
  for (let h = 0; h < hosts; h++) ipStart[hostIp[h] + 1]++;
  for (let i = 0; i < ips; i++) ipStart[i + 1] += ipStart[i];
  const fill = ipStart.slice(0, ips);
  const ipUsers = new Int32Array(hosts);
  for (let h = 0; h < hosts; h++) ipUsers[fill[hostIp[h]]++] = h;
  // Infrastructure ips list their host too; attacks only look up users' ips.
  return { hosts, hostIp, ipStart, ipUsers };
}

export function star(o: StarOptions): Star {
  const streams = new Streams(o.seed);
  const send = streams.stream('send');
  const dwellRng = streams.stream('dwell');
  const relay = o.users;
  const total = o.rate * o.users;
  const tSend: number[] = [];
  const sender: number[] = [];
  const recipient: number[] = [];
  const tFwd: number[] = [];
  for (let t = -Math.log(1 - send()) / total; t < o.duration; t += -Math.log(1 - send()) / total) {
    const s = Math.floor(send() * o.users);
    let r = Math.floor(send() * (o.users - 1));
    if (r >= s) r++;
    const ts = Math.round(t);
    tSend.push(ts);
    sender.push(s);
    recipient.push(r);
    tFwd.push(ts + o.d + Math.round(o.dwell(dwellRng)));
  }
  const n = tSend.length;
  // Hops in departure order: uplink m at tSend[m], forward m at tFwd[m] (uplink first on ties).
  const hops: number[] = [];
  for (let m = 0; m < n; m++) hops.push(2 * m, 2 * m + 1);
  const at = (h: number) => (h & 1 ? tFwd[h >> 1] : tSend[h >> 1]);
  hops.sort((a, b) => at(a) - at(b) || (a & 1) - (b & 1) || a - b);
  const log = new ObservationLog();
  const upRow = new Int32Array(n);
  const fwdRow = new Int32Array(n);
  for (const h of hops) {
    const m = h >> 1;
    if (h & 1) fwdRow[m] = log.append(tFwd[m], tFwd[m] + o.d, relay, recipient[m], 256, Kind.message, upRow[m], m);
    else upRow[m] = log.append(tSend[m], tSend[m] + o.d, sender[m], relay, 256, Kind.message, -1, m);
  }
  const byDelivery = Array.from({ length: n }, (_, m) => m).sort((a, b) => tFwd[a] - tFwd[b] || a - b);
  const truth = new GroundTruth();
  for (const m of byDelivery) truth.record(m, sender[m], recipient[m], -1, tSend[m], tFwd[m] + o.d, fwdRow[m]);
  return { log, truth, relay, ...addressing(o.users, 1, o.usersPerIp) };
}

export type Addressing = Pick<AttackInput, 'hostIp' | 'ipStart' | 'ipUsers'>;
