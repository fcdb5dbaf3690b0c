/**
 * attacks-and-validation.md Part B V7 on the full Matrix simulation: H = 50 homeservers, the
 * adversary holds h = 5 of them (makeView's colluding rule on the built design), users placed
 * i.i.d. uniformly, rooms of g users (workload groups). A room is exposed iff one of its
 * members' homeservers is held: P = 1 − (1 − h/H)^g (g = 2: 0.19, g = 10: 0.6513), 4σ over
 * rooms (rooms share few members: 20 000 users). Inside an exposed room the adversary reads the
 * sender and the room of every event (link rate 1); outside, it receives no row of the room (0).
 */
import { describe, expect, it } from 'vitest';
import { makeView } from '../../src/adversary/adversaries.js';
import { observe } from '../../src/adversary/view.js';
import { parseDist } from '../../src/core/dist.js';
import { Streams } from '../../src/core/rng.js';
import { parseDuration, parseRate, SEC } from '../../src/core/time.js';
import { matrix } from '../../src/designs/matrix/index.js';
import { Kind } from '../../src/net/log.js';
import { generateWorkload } from '../../src/workload/generate.js';
import { runDesign, spec } from '../designs/harness.js';

const H = 50;
const h = 5;
const HOUR = parseDuration('1h');

interface RoomStats {
  rooms: number;
  exposed: number;
  events: number;
  eventsLinked: number;
  eventsInExposed: number;
  leakedRows: number;
}

/** One replicate: rooms = groups of size g; returns per-room exposure measured on the observed log. */
function replicate(seed: number, g: number, rooms: number): RoomStats {
  const w = generateWorkload(
    spec(20_000, HOUR, {
      contacts: 0,
      rate: 0,
      replyProbability: 0,
      thinkTime: parseDist('10s'),
      messageSize: parseDist('uniform(10, 300)', 'number'),
      groups: { count: rooms, size: g, rate: parseRate('3/h') },
      online: { model: 'always', on: parseDist('1h'), off: parseDist('1h') },
      platforms: { android: 0, ios: 0 },
    }),
    new Streams(seed),
  );
  const { built, hosts, net, streams } = runDesign(
    matrix,
    w,
    { homeservers: H, placement: 'uniform', push: false },
    seed,
    HOUR,
    { processing: 'uniform(20ms, 200ms)', netStream: 'design/matrix/net', drain: 60 * SEC },
  );
  expect(built.infra.length).toBe(H);
  const view = makeView(
    { kind: 'colluding', name: 'h5', count: h },
    built,
    hosts.count,
    streams.sub('adversary/matrix'),
  );
  let held = 0;
  for (const x of built.infra) held += view.held[x];
  expect(held).toBe(h);

  // Ground truth placement: each (always-online) user's /sync flow goes to its homeserver.
  const hsOf = new Int32Array(w.users);
  for (const f of net.periodic.flows) hsOf[f.path[0]] = f.path[1];
  const log = net.log;
  const { obs, rowOf } = observe(log, view);
  // Per event: does the adversary read its sender and room on some row of it?
  const linked = new Uint8Array(w.count);
  const roomSeen = new Uint8Array(rooms);
  let leakedRows = 0;
  for (let j = 0; j < obs.length; j++) {
    const row = rowOf[j];
    const m = log.msg[row];
    if (m < 0) continue;
    const grp = w.group[m];
    if (obs.obj[j] >= 0) roomSeen[grp] = 1;
    if (log.kind[row] === Kind.message && obs.sAcct[j] === w.sender[m] && obs.obj[j] >= 0) linked[m] = 1;
    // Negative control: every observed row of a room must belong to a room with a held member server.
    let participates = false;
    for (let k = w.groupStart[grp]; k < w.groupStart[grp + 1]; k++)
      if (view.held[hsOf[w.groupMembers[k]]]) participates = true;
    if (!participates) leakedRows++;
  }
  const stats: RoomStats = { rooms: 0, exposed: 0, events: 0, eventsLinked: 0, eventsInExposed: 0, leakedRows };
  const hasEvent = new Uint8Array(rooms);
  for (let m = 0; m < w.count; m++) if (w.tSend[m] < HOUR) hasEvent[w.group[m]] = 1;
  const exposedRoom = new Uint8Array(rooms);
  for (let r = 0; r < rooms; r++) {
    if (!hasEvent[r]) continue;
    let predicted = 0;
    for (let k = w.groupStart[r]; k < w.groupStart[r + 1]; k++) if (view.held[hsOf[w.groupMembers[k]]]) predicted = 1;
    // Exact per room: seen iff a member's homeserver is held.
    expect(roomSeen[r]).toBe(predicted);
    exposedRoom[r] = predicted;
    stats.rooms++;
    stats.exposed += predicted;
  }
  for (let m = 0; m < w.count; m++) {
    if (w.tSend[m] >= HOUR) continue;
    stats.events++;
    stats.eventsLinked += linked[m];
    if (exposedRoom[w.group[m]]) stats.eventsInExposed++;
    expect(linked[m]).toBe(exposedRoom[w.group[m]]);
  }
  return stats;
}

function check(g: number, expected: number, seeds: number[], rooms: number): void {
  expect(1 - (1 - h / H) ** g).toBeCloseTo(expected, 4);
  let total = 0;
  let exposed = 0;
  for (const seed of seeds) {
    const s = replicate(seed, g, rooms);
    total += s.rooms;
    exposed += s.exposed;
    expect(s.leakedRows).toBe(0);
    expect(s.eventsLinked).toBe(s.eventsInExposed);
  }
  const p = 1 - (1 - h / H) ** g;
  expect(total).toBeGreaterThan(0.9 * seeds.length * rooms);
  expect(Math.abs(exposed / total - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / total));
}

describe('V7: Matrix — every participating homeserver sees every event', () => {
  it('g = 2: P(room exposed) = 1 − (1 − h/H)^2 = 0.19; link rate 1 inside, 0 outside', () => {
    check(2, 0.19, [71, 72, 73, 74], 1000);
  });

  it('g = 10: P(room exposed) = 1 − (1 − h/H)^10 = 0.6513; link rate 1 inside, 0 outside', () => {
    check(10, 0.6513, [81, 82, 83, 84], 500);
  });
});
