/**
 * The series behind the correlation figures (correlation.csv, candidates.csv): for a few sampled
 * true (sender, recipient) pairs of one attacked view, what the adversary saw of them, next to
 * what the attack concluded. Computed from the adversary's view (ObservedLog), its delay model and
 * the attack's output (AttackResult) only, plus ground truth to say which pair and which
 * candidate are the true ones — never from an attack's internals.
 *
 * Sampled pairs: the true pairs (distinct sender → recipient of scored deliveries) with at least
 * two scored deliveries (all true pairs when none has two), ordered by a fixed integer hash of
 * (sender, recipient), the first CORRELATION_PAIRS. The choice does not depend on the attack or
 * the adversary, so every figure of one design and replicate shows the same pairs.
 *
 * Windowed counts (Levine, Reiter, Wang & Wright, FC 2004; the figure of DeepCorr, Nasr et al.
 * CCS 2018): time is cut into K = ⌈duration / W⌉ windows. The recipient's series counts the rows
 * the adversary saw arriving at a user device at the recipient's ip, in window ⌊(tRx − s)/W⌋; a
 * candidate's series counts the rows it saw leaving a user device at the candidate's ip, in window
 * ⌊tTx/W⌋. W and s are the attack's own `window` (or `epoch`) and `shift` rule over the adversary's
 * end-to-end delay model when it has them, else the flow attack's defaults (5 s, the model's
 * minimum). These are the flow attack's definitions (windowOf, pearsonFromSums), so for the flow
 * attack r is its pair score wherever that is positive. Users behind one NAT share an ip: the
 * observer cannot split their traffic, and neither do these series.
 *
 * Best wrong candidate: the highest pair score (u, recipient) among users u that never sent the
 * recipient a scored message (ties: lowest id); none when no such pair scores above 0.
 *
 * Candidate sends: for the middle scored delivery of each sampled pair (by delivery time), the
 * CANDIDATES_SHOWN candidates with the highest posterior (score normalised over all users, as
 * entropy.ts) plus the true sender, each with its ip's departures the adversary saw in the window
 * [x − hi, x] before the anchor sighting x (hi = the end-to-end model's maximum, FALLBACK_SPAN
 * without a model), at most SENDS_PER_CANDIDATE of them: those the delay model finds most likely.
 */
import { anchorTime } from '../adversary/targets.js';
import type { ObservedLog } from '../adversary/view.js';
import type { AttackInput, AttackResult } from '../attacks/attack.js';
import { type KeyTable, pairOrder } from '../attacks/util-hash.js';
import { pearsonFromSums } from '../attacks/windowed/estimators.js';
import { seriesOptions } from '../attacks/windowed/options.js';
import { eachBackgroundRow, type SeriesInput, windowOf } from '../attacks/windowed/series.js';
import { type WireRows, wireRows } from '../attacks/wire-rows.js';
import { pairKey, positivePairs } from '../metrics/pairs.js';

export const CORRELATION_PAIRS = 3;
export const CANDIDATES_SHOWN = 12;
export const SENDS_PER_CANDIDATE = 8;
/** Span searched for candidate sends when the adversary has no end-to-end model (ns). */
export const FALLBACK_SPAN = 60e9;

export interface CorrelationSample {
  /** 1-based sample number within its (design, adversary, attack, cell, replicate). */
  sample: number;
  sender: number;
  recipient: number;
  /** Best wrong candidate, −1 when none scored above 0. */
  wrong: number;
  windowNs: number;
  shiftNs: number;
  windows: number;
  rSender: number;
  /** NaN without a wrong candidate. */
  rWrong: number;
  /** Windows where any of the three series is non-zero, ascending, with the three counts. */
  window: number[];
  recipientCount: number[];
  senderCount: number[];
  wrongCount: number[];
}

export interface CandidateSend {
  user: number;
  posterior: number;
  isTrue: boolean;
  /** Times before the anchor sighting (ns, ≥ 0) of this candidate's ip's observed departures; may be empty. */
  before: number[];
  /** The adversary's end-to-end density at each of those delays (per ns). */
  density: number[];
}

export interface CandidateSample {
  sample: number;
  message: number;
  sender: number;
  recipient: number;
  /** Index of the delivery among the targets. */
  target: number;
  /** Anchor sighting time (ns); NaN when the adversary saw none of the delivery's path. */
  anchorNs: number;
  /** Span searched before the anchor (ns). */
  spanNs: number;
  candidates: CandidateSend[];
  /** Posterior mass of every user not listed in `candidates`, and how many they are. */
  otherMass: number;
  otherUsers: number;
}

export interface Samples {
  correlation: CorrelationSample[];
  candidates: CandidateSample[];
}

type View = Pick<
  AttackInput,
  'users' | 'obs' | 'hostIp' | 'duration' | 'params' | 'endToEnd' | 'targets' | 'payloadSizes'
>;

/** The sampled true pairs and, for each, the indices of its scored deliveries in delivery order. */
export function samplePairs(sender: Int32Array, recipient: Int32Array, tDeliver: Float64Array, count: number) {
  const byPair = new Map<string, { s: number; r: number; targets: number[] }>();
  for (let i = 0; i < sender.length; i++) {
    if (sender[i] === recipient[i]) continue;
    const key = `${sender[i]},${recipient[i]}`;
    const p = byPair.get(key);
    if (p) p.targets.push(i);
    else byPair.set(key, { s: sender[i], r: recipient[i], targets: [i] });
  }
  const all = [...byPair.values()];
  const busy = all.filter((p) => p.targets.length >= 2);
  const pool = busy.length > 0 ? busy : all;
  pool.sort((a, b) => pairOrder(a.s, a.r) - pairOrder(b.s, b.r) || a.s - b.s || a.r - b.r);
  return pool.slice(0, count).map((p) => ({
    ...p,
    targets: p.targets.sort((a, b) => tDeliver[a] - tDeliver[b] || a - b),
  }));
}

/**
 * Observed departure (egress) and arrival (ingress) times of user devices at a few ips, in one
 * pass: every row, as the windowed series count them, and the candidate sends (`rows`) apart.
 */
function rowsAt(
  obs: ObservedLog,
  users: number,
  rows: WireRows,
  hostIp: Int32Array,
  ips: Set<number>,
  background: Pick<SeriesInput, 'users' | 'background'>,
) {
  const egress = new Map<number, number[]>();
  const sends = new Map<number, number[]>();
  const ingress = new Map<number, number[]>();
  // slot[ip] = 1 + the ip's place in the lists below, 0 for ips not sampled: the pass reads every
  // observed row (10^7 at 10^4 users), so it indexes an array where it looked up three maps.
  let maxIp = -1;
  for (const ip of ips) maxIp = Math.max(maxIp, ip);
  const slot = new Int32Array(maxIp + 1);
  const egressOf: number[][] = [];
  const sendsOf: number[][] = [];
  const ingressOf: number[][] = [];
  for (const ip of ips) {
    slot[ip] = egressOf.length + 1;
    egressOf.push([]);
    sendsOf.push([]);
    ingressOf.push([]);
    egress.set(ip, egressOf[egressOf.length - 1]);
    sends.set(ip, sendsOf[sendsOf.length - 1]);
    ingress.set(ip, ingressOf[ingressOf.length - 1]);
  }
  for (let j = 0; j < obs.length; j++) {
    const f = obs.from[j];
    if (f < users) {
      const ip = hostIp[f];
      const s = ip <= maxIp ? slot[ip] : 0;
      if (s > 0) {
        egressOf[s - 1].push(obs.tTx[j]);
        // rows.send is a pure predicate: asked only where its answer is kept.
        if (rows.send(j)) sendsOf[s - 1].push(obs.tTx[j]);
      }
    }
    const t = obs.to[j];
    if (t < users) {
      const ip = hostIp[t];
      const s = ip <= maxIp ? slot[ip] : 0;
      if (s > 0) ingressOf[s - 1].push(obs.tRx[j]);
    }
  }
  // Background crossings the observer counts (series.ts): rows in the series and candidate sends alike.
  eachBackgroundRow(background, rows, true, (h, t) => {
    egress.get(hostIp[h])?.push(t);
    sends.get(hostIp[h])?.push(t);
  });
  eachBackgroundRow(background, rows, false, (h, t) => ingress.get(hostIp[h])?.push(t));
  for (const list of egress.values()) list.sort((a, b) => a - b);
  for (const list of sends.values()) list.sort((a, b) => a - b);
  return { egress, sends, ingress };
}

function counts(times: readonly number[], offset: number, width: number, windows: number): Float64Array {
  const c = new Float64Array(windows);
  for (const t of times) {
    const k = windowOf(t - offset, width);
    if (k >= 0 && k < windows) c[k]++;
  }
  return c;
}

function pearson(x: Float64Array, y: Float64Array): number {
  let sx = 0;
  let sxx = 0;
  let sy = 0;
  let syy = 0;
  let sxy = 0;
  for (let k = 0; k < x.length; k++) {
    sx += x[k];
    sxx += x[k] * x[k];
    sy += y[k];
    syy += y[k] * y[k];
    sxy += x[k] * y[k];
  }
  return pearsonFromSums(x.length, sx, sxx, sy, syy, sxy);
}

/** Best wrong candidate of each recipient in `recipients` from the attack's pair scores. */
function bestWrong(
  result: AttackResult,
  recipients: Set<number>,
  positive: KeyTable,
  users: number,
): Map<number, number> {
  const best = new Map<number, { u: number; v: number }>();
  const p = result.pairs;
  // A flag per user, read for each of the 10^6–10^7 listed pairs (checkPairs: recipients are users).
  const wanted = new Uint8Array(users);
  for (const r of recipients) wanted[r] = 1;
  for (let k = 0; k < p.sender.length; k++) {
    const r = p.recipient[k];
    if (wanted[r] !== 1) continue;
    const u = p.sender[k];
    const v = p.score[k];
    if (u === r || !(v > 0) || positive.has(pairKey(u, r, users))) continue;
    const b = best.get(r);
    if (!b || v > b.v || (v === b.v && u < b.u)) best.set(r, { u, v });
  }
  return new Map([...best].map(([r, b]) => [r, b.u]));
}

/** Posterior over all users of target i: listed candidates by score, the rest at base (entropy.ts). */
function posterior(result: AttackResult, i: number, users: number) {
  const s = result.perTarget;
  const lo = s.offsets[i];
  const hi = s.offsets[i + 1];
  let total = s.base[i] * (users - (hi - lo));
  for (let k = lo; k < hi; k++) total += s.score[k];
  const of = (score: number) => (total > 0 ? score / total : 1 / users);
  const listed: { user: number; p: number }[] = [];
  for (let k = lo; k < hi; k++) listed.push({ user: s.cand[k], p: of(s.score[k]) });
  const base = of(s.base[i]);
  return { listed, weight: (u: number) => listed.find((c) => c.user === u)?.p ?? base };
}

/**
 * What the samples take from ground truth alone, the same for every view and attack of one run
 * (targets' recipients and delivery times are the scored deliveries'): the sampled pairs and the
 * true pairs. The pipeline builds it once per run and warm-up (evaluate.ts).
 */
export interface SampleTruth {
  picked: ReturnType<typeof samplePairs>;
  /** True (sender, recipient) pairs, self pairs dropped (bestWrong never asks for those). */
  positive: KeyTable;
}

export function sampleTruth(
  sender: Int32Array,
  recipient: Int32Array,
  tDeliver: Float64Array,
  users: number,
): SampleTruth {
  return {
    picked: samplePairs(sender, recipient, tDeliver, CORRELATION_PAIRS),
    positive: positivePairs(sender, recipient, users),
  };
}

/**
 * The correlation and candidate samples of one attacked view. `sender[i]` and `message[i]` are
 * the ground truth of target i; `truth` is sampleTruth of them (read only).
 */
export function computeSamples(
  view: View,
  result: AttackResult,
  sender: Int32Array,
  message: Int32Array,
  truth: SampleTruth = sampleTruth(sender, view.targets.recipient, view.targets.tDeliver, view.users),
): Samples {
  const { users, obs, hostIp, targets } = view;
  const { picked, positive } = truth;
  if (picked.length === 0) return { correlation: [], candidates: [] };
  const wrong = bestWrong(result, new Set(picked.map((p) => p.r)), positive, users);

  // Candidate lists first, so one pass over the view collects every ip the figures need.
  const chosen = picked.map((p) => {
    const i = p.targets[Math.floor((p.targets.length - 1) / 2)];
    const post = posterior(result, i, users);
    const top = post.listed
      .filter((c) => c.user !== p.s)
      .sort((a, b) => b.p - a.p || a.user - b.user)
      .slice(0, CANDIDATES_SHOWN);
    const shown = [{ user: p.s, p: post.weight(p.s) }, ...top].sort((a, b) => b.p - a.p || a.user - b.user);
    return { i, shown };
  });
  const ips = new Set<number>();
  for (const p of picked) {
    ips.add(hostIp[p.s]);
    ips.add(hostIp[p.r]);
    const w = wrong.get(p.r);
    if (w !== undefined) ips.add(hostIp[w]);
  }
  for (const c of chosen) for (const s of c.shown) ips.add(hostIp[s.user]);
  const rows = rowsAt(obs, users, wireRows(view), hostIp, ips, view);

  const { width, shift } = seriesOptions(view.params, view.endToEnd);
  const windows = Math.max(1, Math.ceil(view.duration / width));
  const correlation = picked.map((p, n): CorrelationSample => {
    const y = counts(rows.ingress.get(hostIp[p.r]) ?? [], shift, width, windows);
    const xs = counts(rows.egress.get(hostIp[p.s]) ?? [], 0, width, windows);
    const w = wrong.get(p.r) ?? -1;
    const xw = w >= 0 ? counts(rows.egress.get(hostIp[w]) ?? [], 0, width, windows) : new Float64Array(windows);
    const out: CorrelationSample = {
      sample: n + 1,
      sender: p.s,
      recipient: p.r,
      wrong: w,
      windowNs: width,
      shiftNs: shift,
      windows,
      rSender: pearson(xs, y),
      rWrong: w >= 0 ? pearson(xw, y) : Number.NaN,
      window: [],
      recipientCount: [],
      senderCount: [],
      wrongCount: [],
    };
    for (let k = 0; k < windows; k++) {
      if (y[k] === 0 && xs[k] === 0 && xw[k] === 0) continue;
      out.window.push(k);
      out.recipientCount.push(y[k]);
      out.senderCount.push(xs[k]);
      out.wrongCount.push(xw[k]);
    }
    return out;
  });

  const model = view.endToEnd;
  const span = model.samples > 0 ? Math.max(0, model.hi) : FALLBACK_SPAN;
  const candidates = picked.map((p, n): CandidateSample => {
    const { i, shown } = chosen[n];
    const a = targets.anchor[i];
    const x = a >= 0 ? anchorTime(obs, a) : Number.NaN;
    let mass = 0;
    const list = shown.map((c): CandidateSend => {
      mass += c.p;
      const before: number[] = [];
      const density: number[] = [];
      if (a >= 0) {
        const found: { d: number; f: number }[] = [];
        for (const t of rows.sends.get(hostIp[c.user]) ?? []) {
          const d = x - t;
          if (d >= 0 && d <= span) found.push({ d, f: model.samples > 0 ? model.pdf(d) : 0 });
        }
        // The most likely sends under the delay model; the most recent first among equals.
        found.sort((u, v) => v.f - u.f || u.d - v.d);
        for (const s of found.slice(0, SENDS_PER_CANDIDATE).sort((u, v) => u.d - v.d)) {
          before.push(s.d);
          density.push(s.f);
        }
      }
      return { user: c.user, posterior: c.p, isTrue: c.user === p.s, before, density };
    });
    return {
      sample: n + 1,
      message: message[i],
      sender: p.s,
      recipient: p.r,
      target: i,
      anchorNs: x,
      spanNs: span,
      candidates: list,
      otherMass: Math.max(0, 1 - mass),
      otherUsers: users - list.length,
    };
  });
  return { correlation, candidates };
}
