import { describe, expect, it } from 'vitest';
import { Kind, ObservationLog, VIS_RX } from '../../src/net/log.js';

describe('ObservationLog storage', () => {
  it('keeps every row through repeated growth', () => {
    const log = new ObservationLog();
    const n = 5000;
    for (let i = 0; i < n; i++)
      log.append(i, i + 0.5, i % 7, i % 11, i * 3, Kind.message, i - 1, i, {
        sAcct: i,
        rAcct: -1,
        obj: 2 * i,
        vis: VIS_RX,
      });
    expect(log.length).toBe(n);
    expect(log.tTx.length).toBeGreaterThanOrEqual(n);
    for (const i of [0, 1023, 1024, 2047, 2048, n - 1]) {
      expect([log.tTx[i], log.tRx[i], log.from[i], log.to[i], log.bytes[i], log.prev[i], log.msg[i]]).toEqual([
        i,
        i + 0.5,
        i % 7,
        i % 11,
        i * 3,
        i - 1,
        i,
      ]);
      expect([log.sAcct[i], log.rAcct[i], log.obj[i], log.idVis[i], log.kind[i]]).toEqual([
        i,
        -1,
        2 * i,
        VIS_RX,
        Kind.message,
      ]);
    }
  });

  it('trim() drops the growth slack from every column and keeps every row; appends still grow', () => {
    const log = new ObservationLog();
    for (let i = 0; i < 1500; i++) log.append(i, i + 1, i % 5, 7, i, Kind.sync, i - 1, i, { obj: i });
    expect(log.tTx.length).toBe(2048);
    log.trim();
    for (const col of [log.tTx, log.tRx, log.from, log.to, log.bytes, log.kind, log.prev, log.sAcct, log.rAcct])
      expect(col.length).toBe(1500);
    for (const col of [log.obj, log.idVis, log.msg]) expect(col.length).toBe(1500);
    expect([log.tTx[1499], log.tRx[1499], log.from[1499], log.obj[1499], log.kind[1499], log.msg[1499]]).toEqual([
      1499,
      1500,
      1499 % 5,
      1499,
      Kind.sync,
      1499,
    ]);
    log.append(9, 9, 9, 9, 9, Kind.ack, -1, -1);
    expect(log.length).toBe(1501);
    expect([log.tTx[1500], log.kind[1500], log.tTx[0]]).toEqual([9, Kind.ack, 0]);
  });

  it('reserve(n) makes room for n rows at once and keeps the rows already there', () => {
    const log = new ObservationLog();
    log.append(1, 2, 3, 4, 5, Kind.ack, -1, -1);
    log.reserve(100_000);
    expect(log.tTx.length).toBe(100_000);
    expect(log.length).toBe(1);
    expect([log.tTx[0], log.to[0], log.kind[0]]).toEqual([1, 4, Kind.ack]);
    log.reserve(10); // never shrinks
    expect(log.tTx.length).toBe(100_000);
    for (let i = 1; i < 100_000; i++) log.append(i, i, 0, 1, 1, Kind.message, -1, i);
    expect(log.tTx.length).toBe(100_000);
    log.append(0, 0, 0, 0, 0, Kind.message, -1, -1);
    expect(log.tTx.length).toBe(200_000);
  });
});
