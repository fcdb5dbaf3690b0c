/**
 * The platform push chain: a server (Signal's service, Session's SPNS, Matrix's Sygnal,
 * SimpleX's notification server) → the device's provider (APNs for iOS, FCM otherwise) → the
 * device. The provider forwards after its latency (`pushLatency`, one stream per design); the
 * device's handler runs when the push arrives. What each leg weighs and which identifiers it
 * carries is the design's: the provider → device leg learns its user from the provider-bound
 * row (`userOf`), as the provider does from the device token.
 */
import type { Dist } from '../../core/dist.js';
import type { Rng } from '../../core/rng.js';
import type { Sim } from '../../core/sim.js';
import { type HopIds, Kind } from '../../net/log.js';
import type { Net } from '../../net/net.js';
import { Platform, type Workload } from '../../workload/types.js';

export interface PushChainOptions {
  fcm: number;
  apns: number;
  latency: Dist;
  rng: Rng;
  /** How a hop is logged: `net.hop` unless given (a design's wrapper that pads every transmission). */
  hop?: Net['hop'];
  /** The user a provider-bound row is for. */
  userOf: (providerRow: number) => number;
  /** Bytes and identifiers of the provider → device leg (`deviceIds(u)` is read right before the hop). */
  deviceBytes: number;
  deviceIds: (u: number) => HopIds | undefined;
  /** The push reached the device (`row`: provider → device). */
  onDevice: (row: number) => void;
  /** Called once the provider → device row is logged (a design's side data for it), optional. */
  logged?: (row: number, providerRow: number) => void;
}

export class PushChain {
  private readonly log: Net['log'];
  private readonly hop: Net['hop'];

  constructor(
    private readonly sim: Sim,
    net: Net,
    private readonly w: Workload,
    private readonly o: PushChainOptions,
  ) {
    this.log = net.log;
    this.hop = o.hop ?? net.hop.bind(net);
  }

  /** The provider of user u's device. */
  providerOf(u: number): number {
    return this.w.platform[u] === Platform.ios ? this.o.apns : this.o.fcm;
  }

  /** Server `from` pushes to user u's device through its provider; returns the provider-bound row. */
  send(from: number, u: number, bytes: number, prev: number, m: number, ids: HopIds | undefined): number {
    const row = this.hop(from, this.providerOf(u), bytes, Kind.push, prev, m, ids, null);
    this.sim.after(this.log.tRx[row], this.o.latency.sample(this.o.rng), this.atProvider, row);
    return row;
  }

  private readonly atProvider = (row: number): void => {
    const o = this.o;
    const log = this.log;
    const u = o.userOf(row);
    const r = this.hop(log.to[row], u, o.deviceBytes, Kind.push, row, log.msg[row], o.deviceIds(u), o.onDevice);
    o.logged?.(r, row);
  };
}
