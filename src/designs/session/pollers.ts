/**
 * Session's pollers: one per account a user polls (its own swarm: poller u; its membership k of
 * a closed group: poller U + k), with the items waiting for each and when it next polls. Polls
 * are never simulated one by one: the next useful poll time follows from the user's phase and
 * online intervals, and is computed only when something waits for that poller.
 */
import { onlineInterval } from '../../workload/generate.js';
import { Platform, type Workload } from '../../workload/types.js';
import type { Swarms } from './topology.js';

export class Pollers {
  private readonly U: number;
  /** Items each poller waits for (stored items not yet picked up). */
  readonly pending: (number[] | undefined)[];
  /** 1 while the poller has a poll scheduled. */
  readonly scheduled: Uint8Array;

  constructor(
    private readonly w: Workload,
    private readonly sw: Swarms,
    /** Poll period of a user's own swarm and of a group's. */
    private readonly P: number,
    private readonly PG: number,
    /** Android background poll period (0 = off) and the per-user phases. */
    private readonly B: number,
    readonly phase: Float64Array,
    private readonly bgPhase: Float64Array,
  ) {
    this.U = w.users;
    const PS = this.U + w.groupMembers.length;
    this.pending = new Array(PS);
    this.scheduled = new Uint8Array(PS);
  }

  /** The user who polls for `ps`. */
  owner(ps: number): number {
    return ps < this.U ? ps : this.w.groupMembers[ps - this.U];
  }
  /** The swarm it polls. */
  swarm(ps: number): number {
    return ps < this.U ? this.sw.userSwarm[ps] : this.sw.groupSwarm[this.sw.memberGroup[ps - this.U]];
  }
  period(ps: number): number {
    return ps < this.U ? this.P : this.PG;
  }
  /** Account its retrieves name (`rAcct`): the user's, or −1 for a group's. */
  acct(ps: number): number {
    return ps < this.U ? ps : -1;
  }
  /** Object its retrieves name: the user's swarm, or the group's account (swarms + g). */
  obj(ps: number): number {
    return ps < this.U ? this.sw.userSwarm[ps] : this.sw.count + this.sw.memberGroup[ps - this.U];
  }

  /**
   * The first poll of `ps` at or after t: phase + k·period inside an online interval, or (Android
   * with backgroundPoll) a background poll while offline. +Infinity when the user never polls again.
   */
  next(ps: number, t: number): number {
    const w = this.w;
    const B = this.B;
    const u = this.owner(ps);
    const per = this.period(ps);
    const ph = this.phase[u];
    let fg = Number.POSITIVE_INFINITY;
    for (let k = w.onIdx[u]; k < w.onIdx[u + 1]; k++) {
      if (w.onEnd[k] <= t) continue;
      const s = Math.max(t, w.onStart[k]);
      const tp = ph + Math.ceil((s - ph) / per) * per;
      if (tp < w.onEnd[k]) {
        fg = tp;
        break;
      }
    }
    if (B > 0 && w.platform[u] === Platform.android) {
      const bp = this.bgPhase[u];
      let tb = bp + Math.ceil((t - bp) / B) * B;
      while (tb < fg) {
        const k = onlineInterval(w, u, tb);
        if (k < 0) return tb;
        tb = bp + Math.ceil((w.onEnd[k] - bp) / B) * B;
      }
    }
    return fg;
  }
}
