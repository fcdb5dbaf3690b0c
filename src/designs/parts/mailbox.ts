/**
 * Mailboxes at a server for devices that are not connected: Signal's service and Matrix's
 * homeservers store what arrives for an offline device, and hand it all over when the device
 * opens its connection again, whether it comes back online by itself (reconnect, at the owner's
 * next online time) or is woken by a push. One open covers everything stored: a wake while an
 * open is already under way, or while the device is online, does nothing.
 *
 * The design supplies how a device opens its connection (`open(d)`: it logs the request and
 * schedules `drain(d)` at the server) and how the server hands one stored row to it
 * (`hand(d, row)`), and stores rows and asks for reconnects itself, so that its other steps
 * (a push sent between the two) keep their order.
 */
import type { Sim } from '../../core/sim.js';
import { isOnline, nextOnline } from '../../workload/generate.js';
import type { Workload } from '../../workload/types.js';

export interface MailboxOptions {
  /** Devices (mailbox ids 0..devices-1). */
  devices: number;
  /** The user a device belongs to (whose online intervals it follows). */
  ownerOf: (d: number) => number;
  /**
   * Reconnects are scheduled only before this time. Signal passes the run's end; Matrix passes
   * +Infinity (it schedules reconnects after the end too, which only matters to runs that
   * simulate past the end). Kept apart so that neither design's outputs change.
   */
  horizon: number;
  /** Device d opens its connection: log the request and schedule `drain(d)` at the server. */
  open: (d: number) => void;
  /** The server sends stored row `row` to device d (after the drain). */
  hand: (d: number, row: number) => void;
}

export class Mailboxes {
  /** Per device: rows stored for it while it was not connected, in arrival order. */
  private readonly stored: (number[] | undefined)[];
  /** 1 while a woken or returning device's open is on its way (one drain covers all). */
  private readonly fetching: Uint8Array;
  /** 1 while a reconnect is scheduled for the device. */
  private readonly reconnectAt: Uint8Array;

  constructor(
    private readonly sim: Sim,
    private readonly w: Workload,
    private readonly o: MailboxOptions,
  ) {
    this.stored = new Array(o.devices);
    this.fetching = new Uint8Array(o.devices);
    this.reconnectAt = new Uint8Array(o.devices);
  }

  /** Keeps `row` for device d until it next connects. */
  store(d: number, row: number): void {
    const s = this.stored;
    (s[d] ??= []).push(row);
  }

  /** Makes sure device d reconnects at its owner's next online time (once; before the horizon). */
  expectReconnect(d: number): void {
    if (this.reconnectAt[d]) return;
    const t = nextOnline(this.w, this.o.ownerOf(d), this.sim.now);
    if (t < this.o.horizon) {
      this.reconnectAt[d] = 1;
      this.sim.at(t, this.onReconnect, d);
    }
  }

  /** A push reached device d: an offline device not already opening opens now. */
  wake(d: number): void {
    if (this.fetching[d] || isOnline(this.w, this.o.ownerOf(d), this.sim.now)) return;
    this.openNow(d);
  }

  /** Device d came back online: it opens if anything waits for it. */
  readonly onReconnect = (d: number): void => {
    this.reconnectAt[d] = 0;
    if (!this.fetching[d] && this.stored[d]?.length) this.openNow(d);
  };

  /** The server answers device d's open with everything stored for it. */
  readonly drain = (d: number): void => {
    this.fetching[d] = 0;
    const q = this.stored[d];
    if (!q || q.length === 0) return;
    this.stored[d] = [];
    for (let i = 0; i < q.length; i++) this.o.hand(d, q[i]);
  };

  private openNow(d: number): void {
    this.fetching[d] = 1;
    this.o.open(d);
  }
}
