/** Helpers every design uses: connection phases, feeding the workload into the simulation, padding. */
import type { DesignContext } from './design.js';

/**
 * Phase of the periodic exchanges (keepalives, PINGs, idle long-polls) on a connection open from
 * `start`: its timer starts when the connection opens, so at `start` — except for a connection
 * already open when the run begins (start 0), which opened at some unknown time before: its phase
 * is uniform over one period, drawn once per device (stream `connect-phase/<device>`: all of a
 * device's connections open together at app start, and no other entity's draws move it). Integer ns.
 * Without this every device online at t = 0 would exchange at the same instants, a burst no
 * deployed population shows.
 */
export function connectionPhase(ctx: DesignContext, device: number, start: number, period: number): number {
  if (start > 0) return start;
  return Math.floor(ctx.streams.stream(`connect-phase/${device}`)() * period);
}

/**
 * Calls `send(m)` for every workload message at its send time. A reply is held until the
 * message it answers has been delivered to its sender (causality: you cannot answer what has
 * not arrived), so with slow designs (Session's polling) replies go out later than the
 * workload's nominal time. Messages are scheduled lazily, one pending event per message.
 *
 * With `ctx.coverSlots` a real message is written at that time instead, and waits in its
 * sender's FIFO queue; each cover message is a slot, which sends the oldest waiting real message
 * if there is one and the cover message otherwise. So a user's send times are its cover times,
 * whatever it writes. Real messages still queued at the end are never sent.
 */
export function feedWorkload(ctx: DesignContext, send: (m: number) => void): void {
  const w = ctx.workload;
  const { sim, net } = ctx;
  const slots = ctx.coverSlots === true;
  const queue: number[][] = slots ? new Array(w.users) : [];
  const queueHead = slots ? new Int32Array(w.users) : new Int32Array(0);
  if (slots) net.writtenAt = new Float64Array(w.realCount).fill(Number.NaN);

  const write = (m: number): void => {
    if (!slots) {
      send(m);
      return;
    }
    (net.writtenAt as Float64Array)[m] = sim.now;
    (queue[w.sender[m]] ??= []).push(m);
  };
  /** A cover message's slot: the sender's oldest waiting real message goes instead, if any. */
  const slot = (c: number): void => {
    const u = w.sender[c];
    const q = queue[u];
    const h = queueHead[u];
    if (!q || h === q.length) {
      send(c);
      return;
    }
    const m = q[h];
    if (h + 1 === q.length) {
      q.length = 0;
      queueHead[u] = 0;
    } else queueHead[u] = h + 1;
    send(m);
  };
  const fire = (m: number): void => {
    if (m >= w.realCount) {
      if (slots) slot(m);
      else send(m);
      return;
    }
    const orig = w.replyTo[m];
    if (orig >= 0) net.whenDelivered(orig, () => write(m));
    else write(m);
  };
  for (let m = 0; m < w.count; m++) {
    if (w.tSend[m] < ctx.duration) sim.at(w.tSend[m], fire, m);
  }
}

/** Size after padding `len` plaintext bytes to a multiple of `block` (with a 1-byte terminator, as Signal/Session do). */
export function padTo(len: number, block: number): number {
  return Math.ceil((len + 1) / block) * block;
}
