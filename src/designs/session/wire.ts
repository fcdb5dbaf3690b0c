/**
 * Session's event handlers, as one chain. A message leaves as a store (an onion request:
 * device → guard → relay → exit → a random node of the target swarm, `advance`), is stored and
 * replicated in the swarm (`storeItem`), and its response returns along the same path (`back`,
 * `atDevice`), which then sends the sender's sync copy. Each poller that waits for an item polls
 * at its next poll time (`schedulePoll`, `onPoll`); a poll that finds items sends retrieves
 * (`doPoll`, `sendRetrieve`), each answered with one response per item, the first of which to
 * reach the device delivers it.
 *
 * Performance: one simulator event per hop (the next leg is scheduled at arrival + processing,
 * no arrival callback); requests, stored items and pickups live in slot pools.
 */
import type { Rng } from '../../core/rng.js';
import { Kind, type KindId, VIS_RX, VIS_TX } from '../../net/log.js';
import { feedWorkload, padTo } from '../common.js';
import { holdOf } from '../countermeasures.js';
import type { DesignContext } from '../design.js';
import { ScratchIds } from '../parts/ids.js';
import type { SessionParams } from './params.js';
import type { Pollers } from './pollers.js';
import { spnsPush } from './push.js';
import type { OnionRequests } from './requests.js';
import {
  base64,
  C_PICKUP,
  C_POLL,
  REPLICATE_RPC_BYTES,
  RETRIEVE_EMPTY_BYTES,
  RETRIEVE_ITEM_BYTES,
  RETRIEVE_REQUEST_BYTES,
  STORE_RESPONSE_BYTES,
  STORE_RPC_BYTES,
  SYNC_EXTRA,
  T_GROUP,
  T_MSG,
  T_SYNC,
} from './sizes.js';
import type { Pickups, StoredItems } from './store.js';
import type { SessionHosts, Swarms } from './topology.js';

/** The parts the handlers work on, built by index.ts. */
export interface SessionParts {
  hosts: SessionHosts;
  swarms: Swarms;
  pollers: Pollers;
  requests: OnionRequests;
  items: StoredItems;
  pickups: Pickups;
}

/** Sets up every handler and feeds the workload (the sends are scheduled from here). */
export function wireSession(ctx: DesignContext, p: SessionParams, parts: SessionParts): void {
  const { sim, net, workload: w } = ctx;
  const log = net.log;
  const U = w.users;
  const L = p.pathLength;
  const R = p.retrieveNodes;
  const syncCopy = p.syncCopy;
  const pad1 = p.paddingBlock;
  const padG = p.groupPaddingBlock;
  const env = p.envelopeBytes;
  const O = p.onionLayerBytes;
  const push = p.push;
  const proc = ctx.processing;
  const procRng = ctx.streams.stream('snode/processing');
  // Path nodes hold each onion packet they forward (both ways); a swarm node holds a stored
  // message before it can be retrieved; a destination's own responses are not held.
  const hold = holdOf(ctx.mix, ctx.streams.stream('snode/mixing'));
  // Constant-size onion traffic (countermeasure): every leg re-padded to the full onion size and
  // rounded up to a multiple of onionPadding, so sizes neither shrink per hop nor tell requests apart.
  const onionPad = p.onionPadding;
  const wire = (bytes: number): number => (onionPad > 0 ? padTo(bytes, onionPad) : bytes);
  const pushRng = ctx.streams.stream('push/latency');

  const { hosts, swarms, pollers, requests: rq, items, pickups: pk } = parts;
  const base = hosts.base;
  const SW = swarms.count;
  const MS = swarms.maxSize;
  const { nodes: swarmNodes, start: swarmStart, userSwarm, groupSwarm } = swarms;
  const HS = rq.HS;

  /** Each user's stream for draws during the run: routes of its requests, members sampled by its polls. */
  const reqRng: (Rng | undefined)[] = new Array(U);
  const requestRng = (u: number): Rng => (reqRng[u] ??= ctx.streams.stream(`user/${u}/requests`));

  const ids = new ScratchIds();

  /** Actual send time of each message (replies may leave later than the workload's nominal time). */
  const tSend = new Float64Array(w.count);

  const blob = (m: number, type: number): number =>
    type === T_GROUP
      ? padTo(w.size[m], padG) + env
      : type === T_SYNC
        ? padTo(w.size[m] + SYNC_EXTRA, pad1) + env
        : padTo(w.size[m], pad1) + env;

  // --- onion legs -------------------------------------------------------------------------------

  /**
   * Forward leg of request c from host pos to the next. A relay reads nothing; the last leg
   * (exit → destination) carries the destination's readable fields with VIS_RX only: the exit
   * forwards a sealed blob. The leg into host h carries one onion layer per hop still ahead.
   */
  const advance = (c: number): void => {
    const pos = rq.pos[c];
    const o = c * HS;
    const last = pos === L;
    const req = rq.req[c];
    const row = net.hop(
      rq.hosts[o + pos],
      rq.hosts[o + pos + 1],
      wire(onionPad > 0 ? req + (L + 1) * O : req + (L + 1 - pos) * O),
      rq.kind[c] as KindId,
      rq.row[c],
      rq.msg[c],
      last ? ids.set(-1, rq.r[c], rq.obj[c], VIS_RX) : undefined,
      null,
    );
    rq.row[c] = row;
    rq.pos[c] = pos + 1;
    sim.after(log.tRx[row], proc.sample(procRng) + (last ? 0 : hold()), last ? atDest : advance, c);
  };

  /** Response leg back towards the device; the destination's first leg carries its fields, VIS_TX only. */
  const back = (c: number): void => {
    const pos = rq.pos[c];
    const o = c * HS;
    const row = net.hop(
      rq.hosts[o + pos],
      rq.hosts[o + pos - 1],
      wire(rq.resp[c] + O),
      rq.kind[c] as KindId,
      rq.row[c],
      rq.msg[c],
      pos === L + 1 ? ids.set(-1, rq.r[c], rq.obj[c], VIS_TX) : undefined,
      null,
    );
    rq.row[c] = row;
    rq.pos[c] = pos - 1;
    if (pos === 1) sim.at(log.tRx[row], atDevice, c);
    else sim.after(log.tRx[row], proc.sample(procRng) + hold(), back, c);
  };

  // --- stores -----------------------------------------------------------------------------------

  /** Device u stores message m (as type) at one random node of the target swarm, via its onion path. */
  const startStore = (u: number, m: number, type: number): void => {
    const g = w.group[m];
    const r = w.recipient[m];
    const sw = type === T_GROUP ? groupSwarm[g] : type === T_SYNC ? userSwarm[u] : userSwarm[r];
    const rng = requestRng(u);
    const s0 = swarmStart[sw];
    const a = Math.floor(rng() * (swarmStart[sw + 1] - s0));
    const c = rq.alloc();
    rq.route(c, u, swarmNodes[s0 + a], -1, rng, sim.now);
    rq.kind[c] = type === T_SYNC ? Kind.sync : Kind.message;
    rq.code[c] = type;
    rq.msg[c] = m;
    rq.row[c] = -1;
    rq.req[c] = base64(blob(m, type)) + STORE_RPC_BYTES;
    rq.r[c] = type === T_GROUP ? -1 : type === T_SYNC ? u : r;
    rq.obj[c] = type === T_GROUP ? SW + g : sw;
    rq.swarm[c] = sw;
    rq.idx[c] = a;
    advance(c);
  };

  /** The destination snode stored the payload: replicate to the swarm, queue it for its pollers, notify SPNS. */
  const storeItem = (c: number): void => {
    const m = rq.msg[c];
    const type = rq.code[c];
    const sw = rq.swarm[c];
    const a = rq.idx[c];
    const storeRow = rq.row[c];
    const node = rq.hosts[c * HS + L + 1];
    const s0 = swarmStart[sw];
    const size = swarmStart[sw + 1] - s0;
    const i = items.alloc();
    items.msg[i] = m;
    items.type[i] = type;
    const iAvail = items.avail;
    const iRow = items.row;
    iAvail.fill(Number.POSITIVE_INFINITY, i * MS, i * MS + MS);
    iAvail[i * MS + a] = sim.now + hold();
    iRow[i * MS + a] = storeRow;
    const rb = base64(blob(m, type)) + REPLICATE_RPC_BYTES;
    for (let b = 0; b < size; b++) {
      if (b === a) continue;
      const row = net.hop(
        node,
        base + swarmNodes[s0 + b],
        wire(rb),
        Kind.replicate,
        storeRow,
        m,
        ids.set(-1, rq.r[c], rq.obj[c], 3),
        null,
      );
      iRow[i * MS + b] = row;
      iAvail[i * MS + b] = log.tRx[row] + Math.round(proc.sample(procRng)) + hold();
    }
    const s = w.sender[m];
    if (type === T_GROUP) {
      const g = w.group[m];
      items.refs[i] = w.groupStart[g + 1] - w.groupStart[g];
      for (let k = w.groupStart[g]; k < w.groupStart[g + 1]; k++) addPending(U + k, i);
      if (push) {
        let any = false;
        for (let k = w.groupStart[g]; k < w.groupStart[g + 1]; k++)
          if (w.groupMembers[k] !== s && spns.subscribed(w.groupMembers[k])) any = true;
        if (any) spns.notify(node, storeRow, m, -1, SW + g);
      }
    } else {
      items.refs[i] = 1;
      const owner = type === T_SYNC ? s : w.recipient[m];
      addPending(owner, i);
      if (push && type === T_MSG && spns.subscribed(owner)) spns.notify(node, storeRow, m, owner, sw);
    }
  };

  const atDest = (c: number): void => {
    const code = rq.code[c];
    if (code !== C_POLL) {
      storeItem(c);
      rq.kind[c] = Kind.ack;
      rq.resp[c] = STORE_RESPONSE_BYTES;
      back(c);
      return;
    }
    // Retrieve: one response per returned item, each chained to the row that stored that item here.
    const list = rq.list[c] as number[];
    rq.list[c] = undefined;
    for (let e = 0; e < list.length; e += 2) {
      let c2 = c;
      if (e > 0) {
        c2 = rq.alloc();
        rq.hosts.copyWithin(c2 * HS, c * HS, c * HS + HS);
        rq.pos[c2] = L + 1;
        rq.r[c2] = rq.r[c];
        rq.obj[c2] = rq.obj[c];
      }
      const k = list[e];
      rq.row[c2] = list[e + 1];
      rq.kind[c2] = Kind.fetch;
      rq.code[c2] = C_PICKUP;
      rq.msg[c2] = pk.msg[k];
      rq.resp[c2] = pk.bytes[k];
      rq.arg[c2] = k;
      back(c2);
    }
  };

  const atDevice = (c: number): void => {
    const code = rq.code[c];
    const m = rq.msg[c];
    if (code === C_PICKUP) {
      const k = rq.arg[c];
      if (!pk.done[k]) {
        pk.done[k] = 1;
        const to = pk.to[k];
        if (to >= 0) net.deliver(m, w.sender[m], to, w.group[m], tSend[m], rq.row[c]);
      }
      if (--pk.refs[k] === 0) pk.release(k);
    } else if (code === T_MSG && syncCopy) {
      // The store succeeded: MessageSentHandler sends the sync copy to our own swarm.
      startStore(w.sender[m], m, T_SYNC);
    }
    rq.release(c);
  };

  // --- polls ------------------------------------------------------------------------------------

  const schedulePoll = (ps: number, t: number): void => {
    if (pollers.scheduled[ps]) return;
    const tp = pollers.next(ps, t);
    if (tp === Number.POSITIVE_INFINITY) return;
    pollers.scheduled[ps] = 1;
    sim.at(tp, onPoll, ps);
  };

  const addPending = (ps: number, i: number): void => {
    (pollers.pending[ps] ??= []).push(i);
    schedulePoll(ps, sim.now);
  };

  const onPoll = (ps: number): void => {
    pollers.scheduled[ps] = 0;
    doPoll(ps, Math.round((sim.now - pollers.phase[pollers.owner(ps)]) / pollers.period(ps)));
    const pend = pollers.pending[ps];
    if (pend && pend.length > 0) schedulePoll(ps, sim.now + 1);
  };

  const sample = new Int32Array(Math.max(R, 1));
  let found = new Int32Array(64);
  /**
   * Poll number k of `ps`, now: R distinct random members of the swarm are queried in parallel;
   * each returns every waiting item it already holds. Only queries that return something become
   * rows (the empty ones are in the periodic flows). Query q goes over path (k·R + q) mod G.
   */
  const doPoll = (ps: number, k: number): void => {
    const pend = pollers.pending[ps];
    if (!pend || pend.length === 0) return;
    const u = pollers.owner(ps);
    const sw = pollers.swarm(ps);
    const s0 = swarmStart[sw];
    const size = swarmStart[sw + 1] - s0;
    const rng = requestRng(u);
    for (let q = 0; q < R; q++) {
      let a = 0;
      let dup = true;
      while (dup) {
        a = Math.floor(rng() * size);
        dup = false;
        for (let x = 0; x < q; x++) if (sample[x] === a) dup = true;
      }
      sample[q] = a;
    }
    if (pend.length > found.length) found = new Int32Array(pend.length * 2);
    const pick = found;
    for (let x = 0; x < pend.length; x++) pick[x] = -1;
    for (let q = 0; q < R; q++) {
      const a = sample[q];
      let list: number[] | undefined;
      for (let x = 0; x < pend.length; x++) {
        const i = pend[x];
        if (items.avail[i * MS + a] > sim.now) continue;
        if (pick[x] < 0) pick[x] = newPickup(i, u);
        pk.refs[pick[x]]++;
        (list ??= []).push(pick[x], items.row[i * MS + a]);
      }
      if (list) sendRetrieve(ps, u, swarmNodes[s0 + a], k * R + q, list);
    }
    let keep = 0;
    for (let x = 0; x < pend.length; x++) {
      const i = pend[x];
      if (pick[x] < 0) pend[keep++] = i;
      else if (--items.refs[i] === 0) items.release(i);
    }
    pend.length = keep;
  };

  const newPickup = (i: number, u: number): number => {
    const k = pk.alloc();
    const m = items.msg[i];
    const type = items.type[i];
    pk.msg[k] = m;
    pk.to[k] = type === T_SYNC || (type === T_GROUP && w.sender[m] === u) ? -1 : u;
    pk.bytes[k] = base64(blob(m, type)) + RETRIEVE_ITEM_BYTES + RETRIEVE_EMPTY_BYTES;
    pk.refs[k] = 0;
    pk.done[k] = 0;
    return k;
  };

  const sendRetrieve = (ps: number, u: number, node: number, slot: number, list: number[]): void => {
    const c = rq.alloc();
    rq.route(c, u, node, slot, requestRng(u), sim.now);
    rq.kind[c] = Kind.poll;
    rq.code[c] = C_POLL;
    rq.msg[c] = -1;
    rq.row[c] = -1;
    rq.req[c] = RETRIEVE_REQUEST_BYTES;
    rq.r[c] = pollers.acct(ps);
    rq.obj[c] = pollers.obj(ps);
    rq.list[c] = list;
    advance(c);
  };

  // --- SPNS push (optional) and sending ----------------------------------------------------------

  const spns = spnsPush(ctx, hosts, ids, {
    push,
    pushLatency: p.pushLatency,
    pushRng,
    procRng,
    pollNow: (ps) => doPoll(ps, Math.floor((sim.now - pollers.phase[pollers.owner(ps)]) / pollers.period(ps))),
  });

  feedWorkload(ctx, (m: number): void => {
    tSend[m] = sim.now;
    startStore(w.sender[m], m, w.group[m] >= 0 ? T_GROUP : T_MSG);
  });
}
