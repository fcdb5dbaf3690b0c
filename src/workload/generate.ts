/**
 * Builds the workload from design-independent streams under "workload/…", so all designs in a
 * replicate carry identical traffic. Per-user streams keep one user's draws independent of
 * how many other users exist.
 */
import { lognormal } from '../core/dist.js';
import { randExp, type Streams } from '../core/rng.js';
import { Sim } from '../core/sim.js';
import { Platform, type Workload, type WorkloadSpec } from './types.js';

function buildGraph(spec: WorkloadSpec, streams: Streams): { adjStart: Int32Array; adj: Int32Array } {
  const n = spec.users;
  const rng = streams.stream('workload/graph');
  const edges = new Set<number>();
  const want = Math.round((n * spec.contacts) / 2);
  const maxEdges = (n * (n - 1)) / 2;
  const target = Math.min(want, maxEdges);
  let weights: Float64Array | null = null;
  let cum: Float64Array | null = null;
  if (spec.degreeModel === 'heavy') {
    // Chung–Lu: endpoints drawn proportional to Pareto(shape 2.5) expected degrees.
    weights = new Float64Array(n);
    cum = new Float64Array(n);
    let s = 0;
    for (let u = 0; u < n; u++) {
      weights[u] = 1 / (1 - rng()) ** (1 / 2.5);
      s += weights[u];
      cum[u] = s;
    }
  }
  const pick = (): number => {
    if (!cum) return Math.floor(rng() * n);
    const x = rng() * cum[n - 1];
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  let guard = 0;
  while (edges.size < target && guard++ < target * 50) {
    const a = pick();
    const b = pick();
    if (a === b) continue;
    edges.add(a < b ? a * n + b : b * n + a);
  }
  const deg = new Int32Array(n + 1);
  for (const e of edges) {
    deg[Math.floor(e / n)]++;
    deg[e % n]++;
  }
  const adjStart = new Int32Array(n + 1);
  for (let u = 0; u < n; u++) adjStart[u + 1] = adjStart[u] + deg[u];
  const fill = adjStart.slice(0, n);
  const adj = new Int32Array(adjStart[n]);
  // Sorted edge order keeps the CSR independent of Set insertion details.
  const sorted = Array.from(edges).sort((x, y) => x - y);
  for (const e of sorted) {
    const a = Math.floor(e / n);
    const b = e % n;
    adj[fill[a]++] = b;
    adj[fill[b]++] = a;
  }
  return { adjStart, adj };
}

function buildOnline(spec: WorkloadSpec, streams: Streams) {
  const n = spec.users;
  const onIdx = new Int32Array(n + 1);
  const starts: number[] = [];
  const ends: number[] = [];
  for (let u = 0; u < n; u++) {
    if (spec.online.model === 'always') {
      starts.push(0);
      ends.push(Number.POSITIVE_INFINITY);
    } else {
      const rng = streams.stream(`workload/user/${u}/online`);
      const { on, off } = spec.online;
      // Start in the stationary state: online with probability E[on]/(E[on]+E[off]).
      let t = 0;
      let online = rng() < on.mean / (on.mean + off.mean);
      while (t < spec.duration) {
        const d = Math.round((online ? on : off).sample(rng)); // integer time (core/sim.ts)
        if (online) {
          starts.push(t);
          ends.push(Math.min(t + d, spec.duration) === spec.duration ? Number.POSITIVE_INFINITY : t + d);
        }
        t += d;
        online = !online;
      }
    }
    onIdx[u + 1] = starts.length;
  }
  return { onIdx, onStart: Float64Array.from(starts), onEnd: Float64Array.from(ends) };
}

/** Index of the online interval containing t, or -1. */
export function onlineInterval(w: Workload, u: number, t: number): number {
  for (let k = w.onIdx[u]; k < w.onIdx[u + 1]; k++) if (w.onStart[k] <= t && t < w.onEnd[k]) return k;
  return -1;
}

export function isOnline(w: Workload, u: number, t: number): boolean {
  return onlineInterval(w, u, t) >= 0;
}

/** The earliest time ≥ t at which u is online (t itself if online now), or +Infinity. */
export function nextOnline(w: Workload, u: number, t: number): number {
  for (let k = w.onIdx[u]; k < w.onIdx[u + 1]; k++) {
    if (t < w.onEnd[k]) return Math.max(t, w.onStart[k]);
  }
  return Number.POSITIVE_INFINITY;
}

export function generateWorkload(spec: WorkloadSpec, streams: Streams): Workload {
  const n = spec.users;
  const { adjStart, adj } = buildGraph(spec, streams);
  const online = buildOnline(spec, streams);
  const platform = new Uint8Array(n);
  for (let u = 0; u < n; u++) {
    const x = streams.stream(`workload/user/${u}/platform`)();
    platform[u] =
      x < spec.platforms.android
        ? Platform.android
        : x < spec.platforms.android + spec.platforms.ios
          ? Platform.ios
          : Platform.desktop;
  }
  const partial: Workload = {
    spec,
    users: n,
    adjStart,
    adj,
    groupStart: new Int32Array(1),
    groupMembers: new Int32Array(0),
    count: 0,
    realCount: 0,
    tSend: new Float64Array(0),
    sender: new Int32Array(0),
    recipient: new Int32Array(0),
    group: new Int32Array(0),
    size: new Int32Array(0),
    replyTo: new Int32Array(0),
    platform,
    ...online,
  };

  // Groups: distinct members drawn uniformly per group.
  const gCount = spec.groups.count;
  const gSize = Math.min(spec.groups.size, n);
  const groupStart = new Int32Array(gCount + 1);
  const groupMembers = new Int32Array(gCount * gSize);
  for (let g = 0; g < gCount; g++) {
    const rng = streams.stream(`workload/group/${g}/members`);
    const chosen = new Set<number>();
    while (chosen.size < gSize) chosen.add(Math.floor(rng() * n));
    let k = g * gSize;
    for (const m of Array.from(chosen).sort((a, b) => a - b)) groupMembers[k++] = m;
    groupStart[g + 1] = (g + 1) * gSize;
  }
  partial.groupStart = groupStart;
  partial.groupMembers = groupMembers;

  // Messages are produced by a small simulation so replies (which depend on earlier messages)
  // interleave in time order. Arrays grow as plain JS arrays, then pack into typed arrays.
  const tSend: number[] = [];
  const sender: number[] = [];
  const recipient: number[] = [];
  const group: number[] = [];
  const size: number[] = [];
  const replyTo: number[] = [];
  const sim = new Sim();
  const end = spec.duration;

  const contactWeights: Float64Array[] = new Array(n);
  const sizeRng: (() => number)[] = new Array(n);
  const trafficRng: (() => number)[] = new Array(n);
  const replyRng: (() => number)[] = new Array(n);
  const skew = spec.contactSkew > 0 ? lognormal(1, spec.contactSkew) : null;
  for (let u = 0; u < n; u++) {
    trafficRng[u] = streams.stream(`workload/user/${u}/traffic`);
    replyRng[u] = streams.stream(`workload/user/${u}/replies`);
    sizeRng[u] = streams.stream(`workload/user/${u}/sizes`);
    const deg = adjStart[u + 1] - adjStart[u];
    const w = new Float64Array(deg);
    const wr = streams.stream(`workload/user/${u}/contact-weights`);
    let s = 0;
    for (let i = 0; i < deg; i++) {
      w[i] = skew ? skew.sample(wr) : 1;
      s += w[i];
      w[i] = s;
    }
    contactWeights[u] = w;
  }

  const emit = (t: number, s: number, r: number, g: number, rt: number): number => {
    tSend.push(t);
    sender.push(s);
    recipient.push(r);
    group.push(g);
    size.push(Math.max(1, Math.round(spec.messageSize.sample(sizeRng[s]))));
    replyTo.push(rt);
    return tSend.length - 1;
  };

  const maybeReply = (idx: number): void => {
    const r = recipient[idx];
    if (r < 0 || spec.replyProbability <= 0) return;
    const rng = replyRng[r];
    if (rng() >= spec.replyProbability) return;
    const t = tSend[idx] + Math.round(spec.thinkTime.sample(rng));
    const when = nextOnline(partial, r, t);
    if (when >= end) return;
    sim.at(when, (i) => maybeReply(emit(sim.now, r, sender[i], -1, i)), idx);
  };

  // 1:1 Poisson arrivals per user, thinned to the user's online intervals.
  if (spec.rate > 0) {
    for (let u = 0; u < n; u++) {
      const deg = adjStart[u + 1] - adjStart[u];
      if (deg === 0) continue;
      const rng = trafficRng[u];
      const mean = 1 / spec.rate;
      const next = (t: number): void => {
        const tn = t + Math.round(randExp(rng, mean));
        if (tn < end) sim.at(tn, fire, u);
      };
      const fire = (user: number): void => {
        const t = sim.now;
        const x = rng();
        if (isOnline(partial, user, t)) {
          const w = contactWeights[user];
          const target = x * w[w.length - 1];
          let lo = 0;
          let hi = w.length - 1;
          while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (w[mid] > target) hi = mid;
            else lo = mid + 1;
          }
          maybeReply(emit(t, user, adj[adjStart[user] + lo], -1, -1));
        }
        next(t);
      };
      next(0);
    }
  }

  // Group messages: Poisson per group, sender uniform among online members.
  if (spec.groups.rate > 0) {
    for (let g = 0; g < gCount; g++) {
      const rng = streams.stream(`workload/group/${g}/traffic`);
      const mean = 1 / spec.groups.rate;
      const fire = (grp: number): void => {
        const t = sim.now;
        const m = groupMembers[groupStart[grp] + Math.floor(rng() * gSize)];
        if (isOnline(partial, m, t)) emit(t, m, -1, grp, -1);
        const tn = t + Math.round(randExp(rng, mean));
        if (tn < end) sim.at(tn, fire, grp);
      };
      const t0 = Math.round(randExp(rng, mean));
      if (t0 < end) sim.at(t0, fire, g);
    }
  }

  sim.run();

  // The simulation emitted in time order (ties by scheduling order), so ids are already sorted.
  return {
    ...partial,
    count: tSend.length,
    realCount: tSend.length,
    tSend: Float64Array.from(tSend),
    sender: Int32Array.from(sender),
    recipient: Int32Array.from(recipient),
    group: Int32Array.from(group),
    size: Int32Array.from(size),
    replyTo: Int32Array.from(replyTo),
  };
}
