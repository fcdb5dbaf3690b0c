/**
 * Shared harness for design tests: parameter resolution, hand-made and generated workloads, a
 * hand-built design context (runDesign), one-party views, causal chains, log hashes.
 */
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import type { View } from '../../src/adversary/view.js';
import { parseDist } from '../../src/core/dist.js';
import { Streams } from '../../src/core/rng.js';
import { Sim } from '../../src/core/sim.js';
import { parseRate, SEC } from '../../src/core/time.js';
import { buildDesign } from '../../src/designs/countermeasures.js';
import type { DesignContext, DesignModule } from '../../src/designs/design.js';
import { Hosts } from '../../src/net/hosts.js';
import { Net } from '../../src/net/net.js';
import { type ParamsOf, readParams } from '../../src/params/typed.js';
import { Platform, type Workload, type WorkloadSpec } from '../../src/workload/types.js';

/** Design parameter overrides, as a scenario file writes them. */
export type Params = Record<string, string | number | boolean>;

/**
 * Every parameter of `d`: its override or its default, parsed by type as `readParams` does (the
 * parsers the scenario layer uses); bounds are left to the scenario layer, so `check` can be tried
 * on values a scenario would reject earlier.
 */
export function resolve(d: DesignModule, over: Params = {}): ParamsOf<DesignModule['params']> {
  return readParams(d.params, over);
}

/** A generated-workload spec: 1:1 and group traffic, replies, mixed platforms, always online; `extra` overrides. */
export function spec(users: number, duration: number, extra: Partial<WorkloadSpec> = {}): WorkloadSpec {
  return {
    users,
    contacts: 4,
    degreeModel: 'uniform',
    contactSkew: 0,
    rate: parseRate('1/2min'),
    replyProbability: 0.3,
    thinkTime: parseDist('exp(20s)'),
    messageSize: parseDist('lognormal(100, 1)', 'number'),
    groups: { count: 2, size: 5, rate: parseRate('1/5min') },
    online: { model: 'always', on: parseDist('10min'), off: parseDist('10min') },
    platforms: { android: 0.4, ios: 0.3 },
    duration,
    ...extra,
  };
}

/**
 * A quiet workload spec: sparse 1:1 messages (1 per 10 min), no replies, no groups, desktop
 * devices only, always online (sessions of exp(20 min) when the model is switched); `extra` overrides.
 */
export function quietSpec(users: number, duration: number, extra: Partial<WorkloadSpec> = {}): WorkloadSpec {
  return spec(users, duration, {
    rate: parseRate('1/10min'),
    replyProbability: 0,
    messageSize: parseDist('uniform(10, 400)', 'number'),
    groups: { count: 0, size: 5, rate: 0 },
    online: { model: 'always', on: parseDist('exp(20min)'), off: parseDist('exp(20min)') },
    platforms: { android: 0, ios: 0 },
    ...extra,
  });
}

export interface Msg {
  t: number;
  s: number;
  r?: number;
  g?: number;
  size?: number;
}

/** A hand-made workload: explicit messages, contacts, groups, platforms and online intervals. */
export function handWorkload(
  users: number,
  msgs: Msg[],
  opts: { groups?: number[][]; platform?: number[]; online?: [number, number][][]; duration?: number } = {},
): Workload {
  const duration = opts.duration ?? 60 * SEC;
  const adj: number[][] = Array.from({ length: users }, () => []);
  for (const m of msgs) {
    if (m.r === undefined) continue;
    if (!adj[m.s].includes(m.r)) adj[m.s].push(m.r);
    if (!adj[m.r].includes(m.s)) adj[m.r].push(m.s);
  }
  const adjStart = new Int32Array(users + 1);
  for (let u = 0; u < users; u++) adjStart[u + 1] = adjStart[u] + adj[u].length;
  const groups = opts.groups ?? [];
  const groupStart = new Int32Array(groups.length + 1);
  groups.forEach((g, i) => {
    groupStart[i + 1] = groupStart[i] + g.length;
  });
  const starts: number[] = [];
  const ends: number[] = [];
  const onIdx = new Int32Array(users + 1);
  for (let u = 0; u < users; u++) {
    for (const [a, b] of opts.online?.[u] ?? [[0, Number.POSITIVE_INFINITY]]) {
      starts.push(a);
      ends.push(b);
    }
    onIdx[u + 1] = starts.length;
  }
  return {
    spec: spec(users, duration),
    users,
    adjStart,
    adj: Int32Array.from(adj.flat()),
    groupStart,
    groupMembers: Int32Array.from(groups.flat()),
    count: msgs.length,
    realCount: msgs.length,
    tSend: Float64Array.from(msgs.map((m) => m.t)),
    sender: Int32Array.from(msgs.map((m) => m.s)),
    recipient: Int32Array.from(msgs.map((m) => m.r ?? -1)),
    group: Int32Array.from(msgs.map((m) => m.g ?? -1)),
    size: Int32Array.from(msgs.map((m) => m.size ?? 100)),
    replyTo: new Int32Array(msgs.length).fill(-1),
    platform: Uint8Array.from(opts.platform ?? new Array(users).fill(Platform.desktop)),
    onIdx,
    onStart: Float64Array.from(starts),
    onEnd: Float64Array.from(ends),
  };
}

/** How runDesign builds the context and runs the simulation; the defaults are the signal and simplex tests'. */
export interface RunOptions {
  /** Processing time at servers (default 'uniform(1ms, 10ms)'; the design's own: `design.processing.default`). */
  processing?: string;
  /** Link latency (default 'uniform(20ms, 60ms)'). */
  latency?: string;
  /** Name of the network's random stream (default 'net'; the pipeline's is `design/<id>/net`). */
  netStream?: string;
  /** Stop the simulation this long after the run duration (default: run until no event remains). */
  drain?: number;
}

/** Options as the pipeline builds the context: the design's own processing time and network stream `design/<id>/net`. */
export function asPipeline(design: DesignModule, drain?: number): RunOptions {
  return { processing: design.processing.default, netStream: `design/${design.id}/net`, drain };
}

/**
 * Runs `design` over workload `w` with parameter overrides; checks that check() accepts them.
 * The design's streams are `design/<id>` of `seed`, as in the pipeline; `duration` defaults to the workload's.
 */
export function runDesign(
  design: DesignModule,
  w: Workload,
  over: Params = {},
  seed = 1,
  duration?: number,
  opts: RunOptions = {},
) {
  const streams = new Streams(seed);
  const sim = new Sim();
  const hosts = new Hosts(w.users);
  const latency = parseDist(opts.latency ?? 'uniform(20ms, 60ms)');
  const net = new Net(sim, hosts, latency, streams.stream(opts.netStream ?? 'net'));
  const ctx: DesignContext = {
    sim,
    net,
    hosts,
    workload: w,
    streams: streams.sub(`design/${design.id}`),
    shared: streams.sub('shared'),
    processing: parseDist(opts.processing ?? 'uniform(1ms, 10ms)'),
    duration: duration ?? w.spec.duration,
  };
  const p = resolve(design, over);
  expect(design.check?.(p, w.users) ?? []).toEqual([]);
  const built = buildDesign(design, ctx, p);
  sim.run(opts.drain === undefined ? {} : { until: ctx.duration + opts.drain });
  return { ctx, built, log: net.log, truth: net.truth, hosts, net, w, streams };
}

/** A view holding the hosts `held` (`observe` treats single and colluding views alike). */
export function viewOf(hostCount: number, held: number[], kind: View['kind'] = 'single'): View {
  const h = new Uint8Array(hostCount);
  for (const x of held) h[x] = 1;
  return { name: 't', kind, held: h, global: false };
}

export function rowsOf(log: Run['log'], pred: (i: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < log.length; i++) if (pred(i)) out.push(i);
  return out;
}

export type Run = ReturnType<typeof runDesign>;

/** The causal chain of `row` (following prev), origin first. */
export function chain(log: Run['log'], row: number): number[] {
  const out: number[] = [];
  for (let r = row; r >= 0; r = log.prev[r]) out.push(r);
  return out.reverse();
}

/** A hash of every column of the log's rows (for same-seed / different-seed comparisons). */
export function logHash(log: Run['log']): string {
  const h = createHash('sha256');
  const n = log.length;
  for (const a of [
    log.tTx,
    log.tRx,
    log.from,
    log.to,
    log.bytes,
    log.kind,
    log.prev,
    log.sAcct,
    log.rAcct,
    log.obj,
    log.idVis,
    log.msg,
  ])
    h.update(new Uint8Array(a.buffer, 0, n * a.BYTES_PER_ELEMENT));
  return h.digest('hex');
}
