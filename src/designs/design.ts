/**
 * The one interface every messenger design implements. A design builds its infrastructure
 * hosts, then turns the workload's messages into hops on the network (`ctx.net.hop`), and
 * records each application delivery (`ctx.net.deliver`). It never imports an adversary or an
 * attack: what each party sees is data in the observation log.
 */
import type { Dist } from '../core/dist.js';
import type { Rng, Streams } from '../core/rng.js';
import type { Sim } from '../core/sim.js';
import type { Hosts } from '../net/hosts.js';
import type { Net } from '../net/net.js';
import type { ParamSpec } from '../params/spec.js';
import { type Param, type ParamsOf, readParams } from '../params/typed.js';
import type { Workload } from '../workload/types.js';

export type { ParamSpec };

/** A problem `check` finds with a design item's parameters (reported at the parameter's path). */
export interface ParamProblem {
  param: string;
  message: string;
  expected: string;
}

/** Parameters after parsing: durations in ns, distributions as `Dist`, rates per ns. */
export type ResolvedParams = Record<string, number | boolean | string | Dist>;

/** A delay law the simulation only samples (a `Dist`, or a `Dist` plus mixing). */
export interface Delay {
  readonly mean: number;
  sample(rng: Rng): number;
}

export interface DesignContext {
  sim: Sim;
  net: Net;
  hosts: Hosts;
  workload: Workload;
  /** Streams scoped to this design in this replicate ("design/<name>/…"). */
  streams: Streams;
  /** Streams every design of the replicate shares (common random numbers, e.g. cover traffic). */
  shared: Streams;
  /** Processing and queueing delay at each infrastructure party (`processing` key). */
  processing: Delay;
  /**
   * Extra hold each infrastructure party applies to every packet it forwards on someone else's
   * behalf, after processing (countermeasure `mixDelay`); null when off. A party's own protocol
   * responses (HTTP 200, SMP OK) leave after processing only: holding them until the payload
   * moves on would announce the forward to anyone watching the sender's link.
   */
  mix?: Delay | null;
  /**
   * Cover slots (countermeasure `coverMode: slots`): the cover messages (ids ≥ workload.realCount)
   * are the only send times; a written real message waits for its sender's next slot and takes
   * it in place of the cover message. Applied by `feedWorkload`, so designs need do nothing.
   */
  coverSlots?: boolean;
  duration: number;
}

/** Facts a design reports about itself after build (for adversary views and the exposure matrix). */
export interface BuiltDesign {
  /** Infrastructure hosts an adversary may compromise (`colluding`, `single: random`). */
  infra: number[];
  /** The central or most central party (`single: server`): Signal's service, the busiest relay or homeserver. */
  central: number;
  /** Fraction of accounts tied to a real-world identifier (phone number, e-mail) at registration. */
  realWorldIdentifier: number;
  /** Platform push providers' host ids (they see wake-ups), possibly empty. */
  pushHosts: number[];
  /**
   * True when a party that reads a group payload's object id (`obj`: a room, a multi-recipient
   * set) also reads every member it goes to (room state, the upload's recipient list), so it can
   * tell its copy concerns each member. Absent or false: an object id names no members.
   */
  groupMembersReadable?: boolean;
}

/**
 * A design, generic in its parameter specs `P` (built with the typed builders of
 * src/params/typed.ts): `check`, `infraHosts` and `build` receive `ParamsOf<P>`, each value of the
 * type its spec declares. The registry holds `DesignModule` (P erased); `defineDesign` or
 * `withCountermeasures` (countermeasures.ts) turn a typed one into it.
 */
export interface DesignModule<P extends readonly Param[] = readonly Param[]> {
  id: string;
  summary: string;
  params: P;
  /** Default of the design item's `processing` key (delay at each infrastructure party) and its source. */
  processing: { default: string; source: string };
  /**
   * Semantic checks across parameters, e.g. swarmSize ≤ nodes; messages name the parameter. The
   * scenario layer calls it only once every value has passed its own spec (type, `min`, `max`, enum values:
   * src/scenario/resolve.ts), so it never repeats a spec's bounds
   * (test/scenario/design-bounds.test.ts shows the messages for those).
   */
  check?(p: ParamsOf<P>, users: number): ParamProblem[];
  /**
   * How many infrastructure hosts `build` puts in `BuiltDesign.infra` for these parameters, known
   * before simulating (colluding set sizes in validation and docs; a test checks it against build).
   */
  infraHosts(p: ParamsOf<P>): number;
  /**
   * Set by `withCountermeasures` (countermeasures.ts), never by hand: the module's `params` and
   * `check` include the generic countermeasures', and `buildDesign` applies them to the context
   * (cover messages in the workload, `mix`, `coverSlots`) before calling `build`.
   */
  readonly countermeasures?: boolean;
  /**
   * Creates hosts and schedules all traffic on ctx.sim; the caller then runs the simulation. Call
   * it through `buildDesign` (countermeasures.ts), which applies the countermeasures first.
   */
  build(ctx: DesignContext, p: ParamsOf<P>): BuiltDesign;
}

/**
 * `mod` as the registry holds it. Each entry point reads its parameters with
 * `readParams(mod.params, …)`: values the scenario layer resolved (src/scenario/fields.ts, the one
 * place values are parsed and bounded) pass through with their kinds checked, absent ones take
 * their spec's default, so `check`, `infraHosts` and `build` get `ParamsOf<P>` with no cast.
 */
export function defineDesign<const P extends readonly Param[]>(mod: DesignModule<P>): DesignModule {
  const { check, infraHosts, build } = mod;
  return {
    ...mod,
    ...(check && { check: (p, users) => check(readParams(mod.params, p), users) }),
    infraHosts: (p) => infraHosts(readParams(mod.params, p)),
    build: (ctx, p) => build(ctx, readParams(mod.params, p)),
  };
}
