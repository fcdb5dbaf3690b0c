/**
 * Hand-built observed logs and attack inputs for the windowed attacks' tests (flow, disclosure,
 * per-delivery timing), and a small receipt-answering world through the real log and view.
 */
import { NO_MODEL } from '../../src/adversary/delay-model.js';
import { buildTargets, endToEndModel, scoredDeliveries } from '../../src/adversary/targets.js';
import { type ObservedLog, observe, type View } from '../../src/adversary/view.js';
import type { AttackInput, AttackModule, AttackResult, DelayModel, Targets } from '../../src/attacks/attack.js';
import { type Rng, randExp, randInt } from '../../src/core/rng.js';
import { SEC } from '../../src/core/time.js';
import { Kind, ObservationLog, VIS_RX } from '../../src/net/log.js';
import { GroundTruth } from '../../src/net/truth.js';

export interface Row {
  tTx: number;
  tRx: number;
  from: number;
  to: number;
  rAcct?: number;
  sAcct?: number;
}

/** An ObservedLog of these rows, every end held, no causes. */
export function obsOf(rows: Row[]): ObservedLog {
  const n = rows.length;
  return {
    length: n,
    tTx: Float64Array.from(rows, (r) => r.tTx),
    tRx: Float64Array.from(rows, (r) => r.tRx),
    from: Int32Array.from(rows, (r) => r.from),
    to: Int32Array.from(rows, (r) => r.to),
    bytes: new Int32Array(n),
    prev: new Int32Array(n).fill(-1),
    sAcct: Int32Array.from(rows, (r) => r.sAcct ?? -1),
    rAcct: Int32Array.from(rows, (r) => r.rAcct ?? -1),
    obj: new Int32Array(n).fill(-1),
    heldFrom: new Uint8Array(n).fill(1),
    heldTo: new Uint8Array(n).fill(1),
  };
}

/** ipStart/ipUsers of the users from a host → ip map (ips compact). */
export function ipCsr(hostIp: ArrayLike<number>, users: number): { ipStart: Int32Array; ipUsers: Int32Array } {
  let nIp = 0;
  for (let h = 0; h < hostIp.length; h++) nIp = Math.max(nIp, hostIp[h] + 1);
  const ipStart = new Int32Array(nIp + 1);
  for (let u = 0; u < users; u++) ipStart[hostIp[u] + 1]++;
  for (let i = 1; i <= nIp; i++) ipStart[i] += ipStart[i - 1];
  const fill = ipStart.slice(0, nIp);
  const ipUsers = new Int32Array(users);
  for (let u = 0; u < users; u++) ipUsers[fill[hostIp[u]]++] = u;
  return { ipStart, ipUsers };
}

export const noTargets: Targets = {
  count: 0,
  anchor: new Int32Array(0),
  recipient: new Int32Array(0),
  tDeliver: new Float64Array(0),
};

/** An attack input over `hostIp` (host → ip; default one ip per host). */
export function windowedInput(
  obs: ObservedLog,
  users: number,
  hostIp: ArrayLike<number>,
  duration: number,
  params: AttackInput['params'],
  targets: Targets = noTargets,
  endToEnd: DelayModel = NO_MODEL,
): AttackInput {
  return {
    users,
    obs,
    hostIp: Int32Array.from(hostIp),
    ...ipCsr(hostIp, users),
    targets,
    endToEnd,
    dwell: NO_MODEL,
    duration,
    params,
  };
}

/** Host → ip with users u, u+1, … u+perIp−1 behind one address and every other host on its own. */
export function natIps(users: number, hosts: number, perIp: number): Int32Array {
  const userIps = Math.ceil(users / perIp);
  return Int32Array.from({ length: hosts }, (_, h) => (h < users ? Math.floor(h / perIp) : userIps + h - users));
}

/** Targets without anchors (the attack knows only who received when). */
export function targetsOf(recipient: number[], tDeliver: number[]): Targets {
  return {
    count: recipient.length,
    anchor: new Int32Array(recipient.length).fill(-1),
    recipient: Int32Array.from(recipient),
    tDeliver: Float64Array.from(tDeliver),
  };
}

/** Target i's listed candidates and scores. */
export function listOf(res: AttackResult, i: number): [number, number][] {
  const out: [number, number][] = [];
  for (let q = res.perTarget.offsets[i]; q < res.perTarget.offsets[i + 1]; q++) {
    out.push([res.perTarget.cand[q], res.perTarget.score[q]]);
  }
  return out;
}

/** A random log over users (some sharing an ip) and infrastructure hosts. */
export function randomLog(rng: Rng, users: number, hosts: number, rows: number, duration: number): Row[] {
  const out: Row[] = [];
  for (let i = 0; i < rows; i++) {
    const from = Math.floor(rng() * hosts);
    let to = Math.floor(rng() * (hosts - 1));
    if (to >= from) to++;
    const tTx = rng() * duration;
    out.push({ tTx, tRx: tTx + rng() * 3 * SEC, from, to, rAcct: rng() < 0.5 ? Math.floor(rng() * users) : -1 });
  }
  return out;
}

export interface ReceiptWorld {
  log: ObservationLog;
  truth: GroundTruth;
}

/**
 * Users 0..n-1 and one server (host n). Every message goes user → server → recipient; the
 * recipient's device answers each delivery at once with a sealed receipt addressed to the
 * sender (readable at the server with `ids`), receipt → server → sender. Background: every user
 * Poisson at `bgRate` to uniform others; plus Alice (0) → Bob (1) Poisson at `pairRate`.
 */
export function receiptWorld(
  rng: Rng,
  n: number,
  D: number,
  bgRate: number,
  pairRate: number,
  ids: boolean,
): ReceiptWorld {
  const log = new ObservationLog();
  const truth = new GroundTruth();
  const server = n;
  const sends: { t: number; s: number; r: number }[] = [];
  for (let s = 0; s < n; s++) {
    for (let t = randExp(rng, 1 / bgRate); t < D; t += randExp(rng, 1 / bgRate)) {
      let r = randInt(rng, n - 1);
      if (r >= s) r++;
      sends.push({ t, s, r });
    }
  }
  for (let t = randExp(rng, 1 / pairRate); t < D; t += randExp(rng, 1 / pairRate)) sends.push({ t, s: 0, r: 1 });
  sends.sort((a, b) => a.t - b.t);
  const lat = (): number => 20e6 + rng() * 40e6;
  let m = 0;
  for (const e of sends) {
    const idm = ids ? { rAcct: e.r, vis: VIS_RX } : undefined;
    const l1 = lat();
    const row1 = log.append(e.t, e.t + l1, e.s, server, 200, Kind.message, -1, m, idm);
    const t2 = e.t + l1 + 1e6;
    const l2 = lat();
    const row2 = log.append(t2, t2 + l2, server, e.r, 200, Kind.message, row1, m);
    truth.record(m, e.s, e.r, -1, e.t, t2 + l2, row2);
    const t3 = t2 + l2 + 5e6;
    const l3 = lat();
    const idr = ids ? { rAcct: e.s, vis: VIS_RX } : undefined;
    const row3 = log.append(t3, t3 + l3, e.r, server, 120, Kind.receipt, -1, -1, idr);
    const t4 = t3 + l3 + 1e6;
    log.append(t4, t4 + lat(), server, e.s, 120, Kind.receipt, row3, -1);
    m++;
  }
  return { log, truth };
}

/** The input of an attack on a receipt world through `view` (one ip per user unless `hostIp`), and its result. */
export function attackWorld(
  attack: AttackModule,
  w: ReceiptWorld,
  n: number,
  D: number,
  view: View,
  params: AttackInput['params'],
  hostIp: ArrayLike<number> = Int32Array.from({ length: n + 1 }, (_, h) => h),
) {
  const { obs, rowOf, obsOf } = observe(w.log, view);
  const targets = buildTargets(w.log, w.truth, scoredDeliveries(w.truth, 0), obs, obsOf);
  const e2e = endToEndModel(w.log, obs, rowOf, targets);
  const input = windowedInput(obs, n, hostIp, D, params, targets, e2e);
  return { res: attack.run(input), targets, input };
}
