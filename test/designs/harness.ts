/** Shared harness for design tests: parameter resolution, hand-made and generated workloads, one-party views, log hashes. */
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import type { View } from '../../src/adversary/view.js';
import { parseDist } from '../../src/core/dist.js';
import { Streams } from '../../src/core/rng.js';
import { Sim } from '../../src/core/sim.js';
import { parseDuration, parseRate, SEC } from '../../src/core/time.js';
import type { DesignContext, DesignModule, ResolvedParams } from '../../src/designs/design.js';
import { Hosts } from '../../src/net/hosts.js';
import { Net } from '../../src/net/net.js';
import { Platform, type Workload, type WorkloadSpec } from '../../src/workload/types.js';

export function resolve(d: DesignModule, over: Record<string, string | number | boolean> = {}): ResolvedParams {
  const p: ResolvedParams = {};
  for (const s of d.params) {
    const v = over[s.name] ?? s.default;
    p[s.name] =
      s.type === 'duration'
        ? parseDuration(v as string)
        : s.type === 'dist'
          ? parseDist(v as string)
          : s.type === 'rate'
            ? parseRate(v as string)
            : v;
  }
  return p;
}

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

/** Runs `design` over workload `w` with parameter overrides; checks that check() accepts them. */
export function runDesign(
  design: DesignModule,
  w: Workload,
  over: Record<string, string | number | boolean> = {},
  seed = 1,
  duration?: number,
) {
  const streams = new Streams(seed);
  const sim = new Sim();
  const hosts = new Hosts(w.users);
  const net = new Net(sim, hosts, parseDist('uniform(20ms, 60ms)'), streams.stream('net'));
  const ctx: DesignContext = {
    sim,
    net,
    hosts,
    workload: w,
    streams: streams.sub(`design/${design.id}`),
    shared: streams.sub('shared'),
    processing: parseDist('uniform(1ms, 10ms)'),
    duration: duration ?? w.spec.duration,
  };
  const p = resolve(design, over);
  expect(design.check?.(p, w.users) ?? []).toEqual([]);
  const built = design.build(ctx, p);
  sim.run();
  __trace(net, built, w, ctx.duration, sim.now);
  return { ctx, built, log: net.log, truth: net.truth, hosts };
}

export function viewOf(hostCount: number, held: number[]): View {
  const h = new Uint8Array(hostCount);
  for (const x of held) h[x] = 1;
  return { name: 't', kind: 'single', held: h, global: false };
}

export function rowsOf(log: Run['log'], pred: (i: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < log.length; i++) if (pred(i)) out.push(i);
  return out;
}

export type Run = ReturnType<typeof runDesign>;

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
    log.msg,
  ])
    h.update(new Uint8Array(a.buffer, 0, n * a.BYTES_PER_ELEMENT));
  return h.digest('hex');
}

// TRACE-BEGIN (temporary)
import { appendFileSync } from 'node:fs';
import { basename } from 'node:path';
export function __trace(net: Net, built: unknown, w: Workload, ctxDuration: number, now: number): void {
  const dir = process.env.TRACE_DIR;
  if (!dir) return;
  const h = createHash('sha256');
  for (const obj of [net.log, net.truth, w] as unknown as Record<string, unknown>[]) {
    const len = (obj.length ?? obj.count) as number;
    for (const k of Object.keys(obj).sort()) {
      const v = obj[k];
      if (ArrayBuffer.isView(v)) {
        const a = v as unknown as Int32Array;
        const n = obj === (w as unknown) ? a.byteLength : Math.min(a.byteLength, len * a.BYTES_PER_ELEMENT);
        h.update(k);
        h.update(new Uint8Array(a.buffer, a.byteOffset, n));
      }
    }
    h.update(String(len));
  }
  h.update(JSON.stringify(net.periodic.flows));
  h.update(JSON.stringify(built));
  h.update(JSON.stringify(w.spec));
  h.update(`${ctxDuration} ${now}`);
  const st = expect.getState();
  appendFileSync(
    `${dir}/${basename(st.testPath ?? 'x')}`,
    `${st.currentTestName ?? '-'} ${net.log.length} ${net.truth.length} ${h.digest('hex').slice(0, 16)}\n`,
  );
}
// TRACE-END
