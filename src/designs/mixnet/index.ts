/**
 * Mixnet: a Loopix-style reference design (Piotrowska et al., "The Loopix Anonymity System",
 * USENIX Security 2017). Users attach to one of `providers` providers; payloads travel as
 * fixed-size (Sphinx-like) packets sender → its provider → one random mix in each of `layers`
 * stratified layers → the recipient's provider, which stores them until the recipient's client
 * fetches its inbox (every `fetchInterval` while online). Each mix holds every packet for an
 * independent exponential delay (mean `mixDelay`): a continuous-time (stop-and-go) mix, so
 * with Poisson input the anonymity of one output is ≈ log2(e·λ/μ) (Danezis, PET 2004).
 * Users also send Poisson cover: loop packets (user → provider → mixes → own provider → user)
 * and drop packets (user → provider → mixes → a random provider, discarded). With
 * `payloadRate` > 0 real packets wait in a per-user queue and leave only in the slots of a
 * Poisson payload stream, a drop packet filling every slot the queue leaves empty (Loopix §3),
 * so a user's sending times do not depend on when it writes; with 0 they leave at once.
 * Reference: docs/designs/mixnet.md.
 *
 * Simplifications (see the doc page): one packet per message whatever its size (no
 * fragmentation); no mix-generated loop cover; providers only add processing delay (no mix
 * delay). Every inbox fetch is answered with `fetchBatch` packets, dummies filling what is not
 * stored (Loopix); `fetchReply: stored` answers only non-empty fetches (empty ones are then
 * periodic flows, background to the views). Fetch requests are Loopix's short pull datagram
 * (`fetchRequestBytes`), not packets.
 *
 * Identifiers: no account identifiers on any hop to, from or between mixes. The hop that
 * reaches the recipient's provider carries rAcct = recipient, readable by that provider (it
 * stores for its own users); so does the fetch response to the recipient. The sender's
 * provider sees the sender's device (the upload's `from`), no account field.
 * Row kinds: message (real payload packets), cover (loop and drop packets and the provider's
 * dummy fetch answers, same size), fetch (an inbox fetch request, `fetchRequestBytes`).
 *
 * Parts: params.ts (parameters); this file holds the model, one closure under
 * 600 lines (the larger designs split theirs: docs/architecture.md, Designs).
 */
import { randExp, randInt } from '../../core/rng.js';
import { Role } from '../../net/hosts.js';
import { type HopIds, Kind, type KindId, VIS_RX, VIS_TX } from '../../net/log.js';
import { isOnline } from '../../workload/generate.js';
import { feedWorkload } from '../common.js';
import { type BuiltDesign, type DesignContext, type DesignModule, defineDesign } from '../design.js';
import { type MixnetParams, PARAMS } from './params.js';

export const mixnet: DesignModule = defineDesign({
  id: 'mixnet',
  summary:
    'Loopix-style reference mixnet: providers, stratified exponential mixes, fixed-size packets, loop and drop cover, inbox fetches',
  params: PARAMS,
  processing: {
    default: 'uniform(1ms, 5ms)',
    source: '[assumption] Sphinx unwrapping and forwarding at a mix or provider',
  },
  /** Providers and every mix of every layer. */
  infraHosts: (p) => p.providers + p.layers * p.mixesPerLayer,
  build: buildMixnet,
});

function buildMixnet(ctx: DesignContext, p: MixnetParams): BuiltDesign {
  const { sim, net, hosts, workload: w } = ctx;
  const log = net.log;
  const U = w.users;
  const L = p.layers;
  const W = p.mixesPerLayer;
  const P = p.providers;
  const meanDelay = p.mixDelay;
  const B = p.packetBytes;
  const F = p.fetchInterval;
  const loopRate = p.loopRate;
  const dropRate = p.dropRate;
  const payloadRate = p.payloadRate;
  const fixedReply = p.fetchReply === 'fixed';
  const batch = p.fetchBatch;
  const pullBytes = p.fetchRequestBytes;
  const proc = ctx.processing;
  const end = ctx.duration;

  const provider: number[] = [];
  for (let k = 0; k < P; k++) provider.push(hosts.add(Role.provider, `provider-${k}`));
  /** mix[l * W + i]: mix i of layer l. */
  const mix: number[] = [];
  for (let l = 0; l < L; l++) for (let i = 0; i < W; i++) mix.push(hosts.add(Role.mix, `mix-${l + 1}-${i}`));
  const firstInfra = provider[0];
  const isMix = (h: number): boolean => hosts.role[h] === Role.mix;

  // Per-user draws, in a fixed order at build: provider and fetch phase.
  const provOf = new Int32Array(U);
  const phase = new Float64Array(U);
  const users: number[][] = Array.from({ length: P }, () => []);
  for (let u = 0; u < U; u++) {
    const rng = ctx.streams.stream(`user/${u}/setup`);
    provOf[u] = provider[randInt(rng, P)];
    phase[u] = Math.floor(rng() * F);
    users[provOf[u] - firstInfra].push(u);
  }
  // Per-entity streams: a user's route choices, each infrastructure host's delays.
  const routeRng: (() => number)[] = new Array(U);
  const hostRng: (() => number)[] = new Array(P + L * W);
  const rngOfHost = (h: number) => (hostRng[h - firstInfra] ??= ctx.streams.stream(`host/${h}/delay`));

  /** Dwell at host h: processing, plus the exponential mix delay at a mix. */
  const dwell = (h: number): number => {
    const rng = rngOfHost(h);
    const d = proc.sample(rng) + (isMix(h) && meanDelay > 0 ? randExp(rng, meanDelay) : 0);
    return Math.round(d);
  };

  // --- packets in flight between the first provider and the destination provider -------------
  // A packet's state lives in flat arrays indexed by packet id; rows in flight map to it.
  const pRoute: number[] = [];
  const pDest: number[] = [];
  const pUser: number[] = [];
  const pStage: number[] = [];
  const pktOfRow = new Map<number, number>();

  const tSend = new Float64Array(w.count);
  const NO_IDS: HopIds = { sAcct: -1, rAcct: -1, obj: -1, vis: VIS_RX | VIS_TX };
  const toProvider: HopIds = { sAcct: -1, rAcct: -1, obj: -1, vis: VIS_RX };
  const toUser: HopIds = { sAcct: -1, rAcct: -1, obj: -1, vis: VIS_RX | VIS_TX };

  /** Hop from `from` to `to` carrying packet `pk`; the receiver acts after its dwell. */
  const hopPacket = (from: number, to: number, kind: KindId, prev: number, m: number, pk: number, ids: HopIds) => {
    const row = net.hop(from, to, B, kind, prev, m, ids, null);
    pktOfRow.set(row, pk);
    sim.after(log.tRx[row], dwell(to), forward, row);
    return row;
  };

  /**
   * Starts a packet from user u's device: `dst` ≥ 0 is the user whose inbox it goes to (the
   * recipient, or u itself for a loop); -1 is a drop packet to a uniformly random provider.
   */
  const launch = (u: number, dst: number, kind: KindId, m: number): void => {
    const rng = (routeRng[u] ??= ctx.streams.stream(`user/${u}/route`));
    const pk = pDest.length;
    for (let l = 0; l < L; l++) pRoute.push(mix[l * W + randInt(rng, W)]);
    pDest.push(dst >= 0 ? provOf[dst] : provider[randInt(rng, P)]);
    pUser.push(dst);
    pStage.push(0);
    hopPacket(u, provOf[u], kind, -1, m, pk, NO_IDS);
  };

  /** The packet of `row` has dwelt at `row`'s receiver: forward it to the next layer, or store or drop it. */
  const forward = (row: number): void => {
    const pk = pktOfRow.get(row) as number;
    pktOfRow.delete(row);
    const h = log.to[row];
    const kind = log.kind[row] as KindId;
    const m = log.msg[row];
    const stage = pStage[pk];
    if (stage < L) {
      pStage[pk] = stage + 1;
      hopPacket(h, pRoute[pk * L + stage], kind, row, m, pk, NO_IDS);
      return;
    }
    if (stage === L) {
      // Last mix → destination provider, which reads whose inbox the packet is for.
      pStage[pk] = stage + 1;
      const dst = pUser[pk];
      toProvider.rAcct = dst;
      hopPacket(h, pDest[pk], kind, row, m, pk, dst >= 0 ? toProvider : NO_IDS);
      return;
    }
    // At the destination provider: a drop packet ends here; otherwise it waits in the inbox.
    const u = pUser[pk];
    if (u >= 0) store(u, row);
  };

  // --- inboxes and fetches ---------------------------------------------------------------------

  const inbox: number[][] = new Array(U);
  /** 1 while a fetch of u is scheduled or in flight (it will take everything stored before it is served). */
  const fetching = new Uint8Array(U);

  /** The first fetch time of u at or after t: phase + k·F inside an online interval; +Infinity if none. */
  const nextFetch = (u: number, t: number): number => {
    for (let k = w.onIdx[u]; k < w.onIdx[u + 1]; k++) {
      const a = Math.max(t, w.onStart[k]);
      if (a >= w.onEnd[k]) continue;
      const tf = phase[u] + Math.max(0, Math.ceil((a - phase[u]) / F)) * F;
      if (tf < w.onEnd[k]) return tf;
    }
    return Number.POSITIVE_INFINITY;
  };

  const store = (u: number, row: number): void => {
    (inbox[u] ??= []).push(row);
    if (fixedReply || fetching[u]) return;
    const t = nextFetch(u, sim.now);
    if (!Number.isFinite(t)) return;
    fetching[u] = 1;
    sim.at(t, onFetch, u);
  };

  const onFetch = (u: number): void => {
    const row = net.hop(u, provOf[u], pullBytes, Kind.fetch, -1, -1, undefined, null);
    sim.after(log.tRx[row], dwell(provOf[u]), serve, u);
  };

  /** The provider answers a fetch with everything in u's inbox, one packet per stored item. */
  const serve = (u: number): void => {
    fetching[u] = 0;
    const q = inbox[u];
    if (!q || q.length === 0) return;
    inbox[u] = [];
    toUser.rAcct = u;
    for (const storeRow of q) {
      net.hop(provOf[u], u, B, log.kind[storeRow] as KindId, storeRow, log.msg[storeRow], toUser, onDevice);
    }
  };

  /**
   * Fixed replies (Loopix): u's client fetches at every phase + k·F while online, and the provider
   * answers each fetch with exactly `batch` packets, the oldest stored ones first and dummies
   * (kind cover, no cause) filling the rest; every answer row names u, like a real one.
   */
  const onFixedFetch = (u: number): void => {
    const row = net.hop(u, provOf[u], pullBytes, Kind.fetch, -1, -1, undefined, null);
    sim.after(log.tRx[row], dwell(provOf[u]), serveFixed, u);
    const t = nextFetch(u, sim.now + 1);
    if (t < end) sim.at(t, onFixedFetch, u);
  };

  const serveFixed = (u: number): void => {
    const q = inbox[u];
    const n = q ? Math.min(q.length, batch) : 0;
    toUser.rAcct = u;
    for (let k = 0; k < n; k++) {
      const storeRow = (q as number[])[k];
      net.hop(provOf[u], u, B, log.kind[storeRow] as KindId, storeRow, log.msg[storeRow], toUser, onDevice);
    }
    if (n > 0) (q as number[]).splice(0, n);
    for (let k = n; k < batch; k++) net.hop(provOf[u], u, B, Kind.cover, -1, -1, toUser, null);
  };

  const onDevice = (row: number): void => {
    if (log.kind[row] !== Kind.message) return; // a loop packet came home
    const m = log.msg[row];
    net.deliver(m, w.sender[m], log.to[row], w.group[m], tSend[m], row);
  };

  // --- sending -------------------------------------------------------------------------------

  /** Per user, flattened (recipient, message) pairs waiting for a payload slot, oldest at queueHead. */
  const queue: number[][] = new Array(U);
  const queueHead = new Int32Array(U);
  const emit = (s: number, r: number, m: number): void => {
    if (payloadRate > 0) (queue[s] ??= []).push(r, m);
    else launch(s, r, Kind.message, m);
  };

  const send = (m: number): void => {
    tSend[m] = sim.now;
    const s = w.sender[m];
    const g = w.group[m];
    if (g < 0) {
      emit(s, w.recipient[m], m);
      return;
    }
    // No server-side fan-out in a mixnet: one packet per other member, each on its own route.
    for (let k = w.groupStart[g]; k < w.groupStart[g + 1]; k++) {
      const r = w.groupMembers[k];
      if (r !== s) emit(s, r, m);
    }
  };

  /** A payload slot of u: the oldest queued packet, or a drop packet. */
  const payloadSlot = (u: number): void => {
    const q = queue[u];
    const h = queueHead[u];
    if (!q || h === q.length) {
      launch(u, -1, Kind.cover, -1);
      return;
    }
    launch(u, q[h], Kind.message, q[h + 1]);
    if (h + 2 === q.length) {
      q.length = 0;
      queueHead[u] = 0;
    } else queueHead[u] = h + 2;
  };

  feedWorkload(ctx, send);

  // --- cover and payload slots: independent Poisson streams per user, thinned to online time --
  // Handler argument k = stream·U + u, streams LOOP, DROP, PAYLOAD.
  const LOOP = 0;
  const DROP = 1;
  const PAYLOAD = 2;
  const STREAM_NAME = ['loop', 'drop', 'payload'];
  const meanGap = [1 / loopRate, 1 / dropRate, 1 / payloadRate];
  const coverRng: (() => number)[] = new Array(3 * U);
  const nextCover = (k: number, t: number): void => {
    const stream = Math.floor(k / U);
    const rng = (coverRng[k] ??= ctx.streams.stream(`user/${k - stream * U}/${STREAM_NAME[stream]}`));
    const tn = t + Math.round(randExp(rng, meanGap[stream]));
    if (tn < end) sim.at(tn, onCover, k);
  };
  const onCover = (k: number): void => {
    const stream = Math.floor(k / U);
    const u = k - stream * U;
    if (isOnline(w, u, sim.now)) {
      if (stream === PAYLOAD) payloadSlot(u);
      else launch(u, stream === LOOP ? u : -1, Kind.cover, -1);
    }
    nextCover(k, sim.now);
  };
  for (let u = 0; u < U; u++) {
    if (loopRate > 0) nextCover(LOOP * U + u, 0);
    if (dropRate > 0) nextCover(DROP * U + u, 0);
    if (payloadRate > 0) nextCover(PAYLOAD * U + u, 0);
  }

  if (fixedReply) {
    for (let u = 0; u < U; u++) {
      const t = nextFetch(u, 0);
      if (t < end) sim.at(t, onFixedFetch, u);
    }
  }

  // 'stored' replies: every fetch exchange (request and reply, one packet each way) as one flow
  // per online interval; with fixed replies every exchange is rows.
  for (let u = 0; u < U && !fixedReply; u++) {
    for (let k = w.onIdx[u]; k < w.onIdx[u + 1]; k++) {
      const start = w.onStart[k];
      const stop = Math.min(w.onEnd[k], end);
      if (stop <= start) continue;
      net.periodic.add({
        path: Int32Array.of(u, provOf[u]),
        period: F,
        phase: phase[u],
        start,
        end: stop,
        bytesPerLink: pullBytes + B,
        bytesUp: pullBytes,
        kind: Kind.fetch,
      });
    }
  }

  // The central party is the provider with the most users: it sees their uploads, reads the
  // recipient of every packet stored for them, and serves their fetches (mixes read no accounts).
  let central = provider[0];
  for (let k = 1; k < P; k++) if (users[k].length > users[central - firstInfra].length) central = provider[k];
  return { infra: [...provider, ...mix], central, realWorldIdentifier: 0, pushHosts: [] };
}
