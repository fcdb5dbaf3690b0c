/** Helpers every design uses: feeding the workload into the simulation, padding. */
import type { DesignContext } from './design.js';

/**
 * Calls `send(m)` for every workload message at its send time. A reply is held until the
 * message it answers has been delivered to its sender (causality: you cannot answer what has
 * not arrived), so with slow designs (Session's polling) replies go out later than the
 * workload's nominal time. Messages are scheduled lazily, one pending event per message.
 */
export function feedWorkload(ctx: DesignContext, send: (m: number) => void): void {
  const w = ctx.workload;
  const { sim, net } = ctx;
  const fire = (m: number): void => {
    const orig = w.replyTo[m];
    if (orig >= 0) net.whenDelivered(orig, () => send(m));
    else send(m);
  };
  for (let m = 0; m < w.count; m++) {
    if (w.tSend[m] < ctx.duration) sim.at(w.tSend[m], fire, m);
  }
}

/** Size after padding `len` plaintext bytes to a multiple of `block` (with a 1-byte terminator, as Signal/Session do). */
export function padTo(len: number, block: number): number {
  return Math.ceil((len + 1) / block) * block;
}
