/**
 * Countermeasures every real design offers (each off by default, so defaults stay the deployed
 * protocol): Poisson cover messages per user and continuous-time mixing at every infrastructure
 * party. They move a design along the anonymity trilemma (Das et al. 2018): cover pays in
 * bandwidth (β), mixing in latency (ℓ).
 *
 * Cover messages are extra workload messages after the real ones (ids ≥ `realCount`). Each design
 * carries them exactly like a real 1:1 message — padding, sync copies, receipts, typing, pushes —
 * because anything a dummy did differently would mark it on the wire; only the recipient's
 * client knows to discard it, so no ground-truth delivery is recorded for it (Net.deliver).
 */
import { type Rng, randExp, type Streams } from '../core/rng.js';
import type { Sim } from '../core/sim.js';
import { duration, oneOf, type Param, type ParamsOf, rate, readParams } from '../params/typed.js';
import { isOnline } from '../workload/generate.js';
import type { Workload } from '../workload/types.js';
import {
  type BuiltDesign,
  type Delay,
  type DesignContext,
  type DesignModule,
  defineDesign,
  type ParamProblem,
  type ResolvedParams,
} from './design.js';

const COUNTERMEASURE_PARAMS = [
  rate('coverRate', {
    default: '0/s',
    unit: 'per user',
    description:
      'Poisson rate of cover (dummy) messages per online user, each to a uniformly chosen conversation (a contact, or a group the user is in) and sent, padded, stored, fetched and receipted exactly like a real message there; recipients discard it (0 = off)',
    source:
      'countermeasure, off in the deployed protocol; β of the anonymity trilemma (Das et al., IEEE S&P 2018); drop cover as in Loopix (Piotrowska et al., USENIX Security 2017)',
  }),
  oneOf('coverMode', ['added', 'slots'], {
    default: 'added',
    description:
      "How cover relates to real messages. 'added': real messages leave when written, cover on top. 'slots': the coverRate stream gives the only send times; a written message waits for its sender's next slot and takes it, and only slots with nothing waiting send cover (latency counts the wait; needs coverRate > 0)",
    source:
      'countermeasure; constant-rate sending as in the Loopix payload stream (Piotrowska et al., USENIX Security 2017, §3): send times independent of when a user writes',
  }),
  duration('mixDelay', {
    default: '0s',
    description:
      'Mean of an extra exponential hold each infrastructure party (server, relay, service node, homeserver) applies to every packet it forwards on behalf of another, after `processing`; its own protocol responses are not held (continuous-time mixing; 0 = off)',
    source:
      'countermeasure, off in the deployed protocol; exponential delay maximises sender entropy for a given mean (Danezis, PET 2004); Loopix',
  }),
] as const;

type Countermeasures = ParamsOf<typeof COUNTERMEASURE_PARAMS>;

/**
 * `mod` offering the countermeasures: their parameters after its own (so listings and docs show
 * them last), their cross-parameter problems before its own, and `countermeasures: true`, on which
 * `buildDesign` applies them before `mod.build` runs. The one line a design writes to get them.
 */
export function withCountermeasures<const P extends readonly Param[]>(
  mod: Omit<DesignModule<P>, 'countermeasures'>,
): DesignModule {
  const own = defineDesign(mod);
  return {
    ...own,
    params: [...own.params, ...COUNTERMEASURE_PARAMS],
    check: (p, users) => [
      ...countermeasureProblems(readParams(COUNTERMEASURE_PARAMS, p)),
      ...(own.check?.(p, users) ?? []),
    ],
    countermeasures: true,
  };
}

/**
 * Builds `mod` in `ctx`: with its countermeasures applied first when it offers them, so `build`
 * sees the covered workload and `ctx.mix` already. Every caller of a design's build goes through
 * here (the pipeline's `simulate`, the design tests' harness, the bench).
 */
export function buildDesign(mod: DesignModule, ctx: DesignContext, p: Readonly<ResolvedParams>): BuiltDesign {
  return mod.build(mod.countermeasures ? applyCountermeasures(ctx, readParams(COUNTERMEASURE_PARAMS, p)) : ctx, p);
}

/** Cross-parameter problems of the countermeasures (composed into each offering design's `check`). */
function countermeasureProblems(p: Countermeasures): ParamProblem[] {
  if (p.coverMode === 'slots' && !(p.coverRate > 0))
    return [
      {
        param: 'coverMode',
        message:
          'coverMode slots sends real messages only in cover slots, but coverRate is 0; set coverRate, e.g. 4/min',
        expected: "'added', or 'slots' with coverRate > 0",
      },
    ];
  return [];
}

/** The design context with the countermeasures of `p` applied (the same object when both are off). */
function applyCountermeasures(ctx: DesignContext, p: Countermeasures): DesignContext {
  const { coverRate, mixDelay } = p;
  if (!(coverRate > 0) && !(mixDelay > 0)) return ctx;
  const workload = coverRate > 0 ? withCover(ctx.workload, coverRate, ctx.duration, ctx.shared) : ctx.workload;
  ctx.net.coverFrom = workload.realCount;
  return {
    ...ctx,
    workload,
    mix: mixDelay > 0 ? mixing(mixDelay) : null,
    coverSlots: coverRate > 0 && p.coverMode === 'slots',
  };
}

/** An exponential hold of mean `mean` ns, drawn independently per forwarded packet. */
export function mixing(mean: number): Delay {
  return { mean, sample: (rng) => randExp(rng, mean) };
}

/** A design's hold function: a fresh draw from `rng` per call, or always 0 when mixing is off. */
export function holdOf(mix: Delay | null | undefined, rng: Rng): () => number {
  if (!mix) return () => 0;
  return () => Math.round(mix.sample(rng));
}

/** Runs `fn(row)` after a mixing hold drawn from `rng`, or at once (same event) when mixing is off. */
export function afterHoldOf(
  sim: Sim,
  mix: Delay | null | undefined,
  rng: Rng,
): (fn: (row: number) => void, row: number) => void {
  if (!mix) return (fn, row) => fn(row);
  return (fn, row) => {
    sim.after(sim.now, mix.sample(rng), fn, row);
  };
}

/** Groups of each user, CSR: groupsOf.list[groupsOf.start[u] .. groupsOf.start[u+1]), in group order. */
function groupsOfUsers(w: Workload): { start: Int32Array; list: Int32Array } {
  const start = new Int32Array(w.users + 1);
  for (let k = 0; k < w.groupMembers.length; k++) start[w.groupMembers[k] + 1]++;
  for (let u = 0; u < w.users; u++) start[u + 1] += start[u];
  const fill = start.slice(0, w.users);
  const list = new Int32Array(w.groupMembers.length);
  for (let g = 0; g + 1 < w.groupStart.length; g++)
    for (let k = w.groupStart[g]; k < w.groupStart[g + 1]; k++) list[fill[w.groupMembers[k]]++] = g;
  return { start, list };
}

/**
 * `w` with Poisson cover messages appended: per user, arrivals at `rate` (per ns) thinned to its
 * online intervals, each to a uniformly chosen conversation — one of its contacts (1:1) or one of
 * its groups — size from the workload's message-size law. A user in groups covers its group sends
 * too, which a 1:1-only cover would leave standing out. Streams are `cover/user/<u>` of the
 * replicate's shared streams, so every design in a replicate carries the same cover (common
 * random numbers) and adding a user leaves the others' cover unchanged.
 */
export function withCover(w: Workload, rate: number, duration: number, streams: Streams): Workload {
  const tSend: number[] = [];
  const sender: number[] = [];
  const recipient: number[] = [];
  const group: number[] = [];
  const size: number[] = [];
  const mean = 1 / rate;
  const groupsOf = groupsOfUsers(w);
  for (let u = 0; u < w.users; u++) {
    const deg = w.adjStart[u + 1] - w.adjStart[u];
    const conversations = deg + groupsOf.start[u + 1] - groupsOf.start[u];
    if (conversations === 0) continue;
    const rng = streams.stream(`cover/user/${u}`);
    for (let t = Math.round(randExp(rng, mean)); t < duration; t += Math.round(randExp(rng, mean))) {
      const pick = Math.floor(rng() * conversations);
      const bytes = Math.max(1, Math.round(w.spec.messageSize.sample(rng)));
      if (!isOnline(w, u, t)) continue;
      tSend.push(t);
      sender.push(u);
      recipient.push(pick < deg ? w.adj[w.adjStart[u] + pick] : -1);
      group.push(pick < deg ? -1 : groupsOf.list[groupsOf.start[u] + pick - deg]);
      size.push(bytes);
    }
  }
  const n = tSend.length;
  const cat = <A extends Float64Array | Int32Array>(a: A, extra: ArrayLike<number>, make: (len: number) => A): A => {
    const out = make(w.count + n);
    out.set(a.subarray(0, w.count));
    out.set(extra, w.count);
    return out;
  };
  const f64 = (len: number) => new Float64Array(len);
  const i32 = (len: number) => new Int32Array(len);
  return {
    ...w,
    count: w.count + n,
    tSend: cat(w.tSend, tSend, f64),
    sender: cat(w.sender, sender, i32),
    recipient: cat(w.recipient, recipient, i32),
    group: cat(w.group, group, i32),
    size: cat(w.size, size, i32),
    replyTo: cat(w.replyTo, new Int32Array(n).fill(-1), i32),
  };
}
