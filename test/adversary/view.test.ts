import { describe, expect, it } from 'vitest';
import { type ObservedLog, observe, type View } from '../../src/adversary/view.js';
import { Streams } from '../../src/core/rng.js';
import { Kind, ObservationLog, VIS_RX, VIS_TX } from '../../src/net/log.js';

const HOSTS = 12;

/** A random log over HOSTS hosts with prev chains and identifiers of every visibility. */
function randomLog(rows: number): ObservationLog {
  const rng = new Streams(5).stream('log');
  const log = new ObservationLog();
  let t = 0;
  for (let i = 0; i < rows; i++) {
    t += Math.floor(rng() * 1e6);
    const from = Math.floor(rng() * HOSTS);
    const to = (from + 1 + Math.floor(rng() * (HOSTS - 1))) % HOSTS;
    const vis = [0, VIS_RX, VIS_TX, VIS_RX | VIS_TX][Math.floor(rng() * 4)];
    const prev = i > 0 && rng() < 0.7 ? Math.floor(rng() * i) : -1;
    log.append(t, t + 20e6, from, to, 100 + i, Kind.message, prev, i, { sAcct: i % 5, rAcct: i % 7, obj: i % 3, vis });
  }
  return log;
}

function plain(o: ObservedLog) {
  const a = <T extends ArrayLike<number>>(x: T) => Array.from(x).slice(0, o.length);
  return {
    length: o.length,
    tTx: a(o.tTx),
    tRx: a(o.tRx),
    from: a(o.from),
    to: a(o.to),
    bytes: a(o.bytes),
    prev: a(o.prev),
    sAcct: a(o.sAcct),
    rAcct: a(o.rAcct),
    obj: a(o.obj),
    heldFrom: a(o.heldFrom),
    heldTo: a(o.heldTo),
  };
}

describe('observe', () => {
  const log = randomLog(3000);

  it('gives a pure link observer every row’s times, hosts and size, and nothing else', () => {
    const gpa: View = { name: 'g', kind: 'global-passive', held: new Uint8Array(HOSTS + 1), global: true };
    const { obs, rowOf, obsOf } = observe(log, gpa);
    expect(obs.length).toBe(log.length);
    expect(Array.from(obs.tTx)).toEqual(Array.from(log.tTx.subarray(0, log.length)));
    expect(Array.from(obs.to)).toEqual(Array.from(log.to.subarray(0, log.length)));
    expect(new Set(obs.sAcct)).toEqual(new Set([-1]));
    expect(new Set(obs.prev)).toEqual(new Set([-1]));
    expect(new Set(obs.heldFrom)).toEqual(new Set([0]));
    expect(Array.from(rowOf)).toEqual(Array.from({ length: log.length }, (_, i) => i));
    expect(Array.from(obsOf)).toEqual(Array.from(rowOf));
  });

  it('shares the log’s columns for a pure link observer and matches the general filter exactly', () => {
    const gpa: View = { name: 'g', kind: 'global-passive', held: new Uint8Array(HOSTS + 1), global: true };
    const fast = observe(log, gpa);
    expect(fast.obs.tTx.buffer).toBe(log.tTx.buffer);
    // The general path: a global view that also "holds" a host no row touches sees the same.
    const held = new Uint8Array(HOSTS + 1);
    held[HOSTS] = 1;
    const general = observe(log, { ...gpa, held });
    expect(general.obs.tTx.buffer).not.toBe(log.tTx.buffer);
    expect(plain(fast.obs)).toEqual(plain(general.obs));
    expect(Array.from(fast.rowOf)).toEqual(Array.from(general.rowOf));
    expect(Array.from(fast.obsOf)).toEqual(Array.from(general.obsOf));
  });

  it('shows a held party its own rows, its readable identifiers and the causes of what it sent', () => {
    const held = new Uint8Array(HOSTS + 1);
    held[3] = 1;
    const { obs, rowOf } = observe(log, { name: 's', kind: 'single', held, global: false });
    expect(obs.length).toBeGreaterThan(100);
    for (let j = 0; j < obs.length; j++) {
      const i = rowOf[j];
      expect(log.from[i] === 3 || log.to[i] === 3).toBe(true);
      const sees =
        (log.to[i] === 3 && (log.idVis[i] & VIS_RX) !== 0) || (log.from[i] === 3 && (log.idVis[i] & VIS_TX) !== 0);
      expect(obs.sAcct[j]).toBe(sees ? log.sAcct[i] : -1);
      if (log.from[i] !== 3) expect(obs.prev[j]).toBe(-1);
      if (log.to[i] === 3 && log.from[i] !== 3) expect(obs.tTx[j]).toBe(log.tRx[i]);
    }
  });
});
