// Sim: (time, seq) heap order against a reference, cancellation, run({until}), argument checks.
import { describe, expect, it } from 'vitest';
import { randInt, Streams } from '../../src/core/rng.js';
import { Sim } from '../../src/core/sim.js';

/** Naive reference scheduler: linear scan for the smallest (time, seq); cancel by flag. */
class RefSim {
  now = 0;
  private seq = 0;
  private events: { time: number; seq: number; fn: (a: number) => void; arg: number; dead: boolean }[] = [];
  schedule(delay: number, fn: (a: number) => void, arg: number): number {
    this.events.push({ time: this.now + delay, seq: this.seq, fn, arg, dead: false });
    return this.seq++;
  }
  cancel(h: number): boolean {
    const e = this.events.find((x) => x.seq === h);
    if (!e || e.dead) return false;
    e.dead = true;
    return true;
  }
  run(): void {
    for (;;) {
      let best = -1;
      for (let i = 0; i < this.events.length; i++) {
        const e = this.events[i];
        if (e.dead) continue;
        if (best < 0) best = i;
        else {
          const b = this.events[best];
          if (e.time < b.time || (e.time === b.time && e.seq < b.seq)) best = i;
        }
      }
      if (best < 0) return;
      const e = this.events[best];
      e.dead = true;
      this.now = e.time;
      e.fn(e.arg);
    }
  }
}

describe('Sim ordering', () => {
  it('fires in (time, insertion order): matches a stable sort of 20 000 times with many ties', () => {
    const rng = new Streams(7).stream('times');
    const n = 20_000;
    const times = Array.from({ length: n }, () => randInt(rng, 200) * 1000);
    const sim = new Sim(2); // tiny capacity forces heap and slot growth
    const fired: number[] = [];
    const firedAt: number[] = [];
    const record = (i: number) => {
      fired.push(i);
      firedAt.push(sim.now);
    };
    for (let i = 0; i < n; i++) sim.at(times[i], record, i);
    expect(sim.pending).toBe(n);
    sim.run();
    const expected = Array.from({ length: n }, (_, i) => i).sort((a, b) => times[a] - times[b]); // stable
    expect(fired).toEqual(expected);
    expect(firedAt).toEqual(expected.map((i) => times[i]));
    expect(sim.fired).toBe(n);
    expect(sim.pending).toBe(0);
  });

  it('matches a naive reference when handlers schedule (incl. zero delay) and cancel while running', () => {
    const trace = (S: typeof Sim | typeof RefSim): number[] => {
      const sim = new S();
      const rng = new Streams(11).stream('ops');
      const out: number[] = [];
      const handles: number[] = [];
      let next = 0;
      const h = (id: number) => {
        out.push(id, sim.now);
        if (next >= 3000) return;
        const k = randInt(rng, 4); // mean 1.5 children: the cascade grows until the cap
        for (let j = 0; j < k; j++) handles.push(sim.schedule(randInt(rng, 4) * 10, h, next++));
        if (handles.length > 0 && rng() < 0.3) sim.cancel(handles[randInt(rng, handles.length)]);
      };
      for (let i = 0; i < 50; i++) handles.push(sim.schedule(randInt(rng, 5) * 10, h, next++));
      sim.run();
      return out;
    };
    const got = trace(Sim);
    expect(got.length / 2).toBeGreaterThan(2000); // events fired
    expect(got).toEqual(trace(RefSim));
  });

  it('passes the numeric argument through unchanged', () => {
    const sim = new Sim();
    const seen: number[] = [];
    sim.schedule(1, (a) => seen.push(a), 1.5);
    sim.schedule(2, (a) => seen.push(a), -7);
    sim.schedule(3, (a) => seen.push(a));
    sim.run();
    expect(seen).toEqual([1.5, -7, 0]);
  });
});

describe('Sim cancellation', () => {
  it('cancelled events never fire; cancel returns true once, then false; pending counts live events', () => {
    const rng = new Streams(3).stream('cancel');
    const sim = new Sim();
    const n = 2000;
    const fired = new Uint8Array(n);
    const handles: number[] = [];
    for (let i = 0; i < n; i++) handles.push(sim.schedule(randInt(rng, 100), (a) => fired[a]++, i));
    const cancelled = new Set<number>();
    for (let i = 0; i < n; i++) {
      if (rng() < 0.5) {
        expect(sim.cancel(handles[i])).toBe(true);
        expect(sim.cancel(handles[i])).toBe(false);
        cancelled.add(i);
      }
    }
    expect(cancelled.size).toBeGreaterThan(800);
    expect(sim.pending).toBe(n - cancelled.size);
    sim.run();
    for (let i = 0; i < n; i++) expect(fired[i]).toBe(cancelled.has(i) ? 0 : 1);
    expect(sim.fired).toBe(n - cancelled.size);
    expect(sim.pending).toBe(0);
    for (let i = 0; i < n; i++) expect(sim.cancel(handles[i])).toBe(false);
  });

  it('cancel of a fired event returns false, even after its slot is reused', () => {
    const sim = new Sim();
    const log: string[] = [];
    const a = sim.schedule(1, () => log.push('a'));
    sim.run();
    const b = sim.schedule(1, () => log.push('b')); // likely reuses a's slot
    expect(sim.cancel(a)).toBe(false);
    expect(sim.pending).toBe(1);
    sim.run();
    expect(log).toEqual(['a', 'b']);
    expect(sim.cancel(b)).toBe(false);
  });

  it('an event can cancel a later event at the same time', () => {
    const sim = new Sim();
    const log: number[] = [];
    let h2 = -1;
    sim.schedule(5, () => {
      log.push(1);
      expect(sim.cancel(h2)).toBe(true);
    });
    h2 = sim.schedule(5, () => log.push(2));
    sim.schedule(5, () => log.push(3));
    sim.run();
    expect(log).toEqual([1, 3]);
    expect(sim.fired).toBe(2);
  });

  it('cancel rejects garbage handles', () => {
    const sim = new Sim();
    sim.schedule(1, () => {});
    expect(sim.cancel(12345)).toBe(false);
    expect(sim.cancel(2 ** 40)).toBe(false);
    expect(sim.pending).toBe(1);
  });
});

describe('Sim.run({until})', () => {
  it('fires events at exactly until, keeps later ones pending, and sets now to until', () => {
    const sim = new Sim();
    const log: number[] = [];
    sim.at(100, (a) => log.push(a), 1);
    sim.at(100, (a) => log.push(a), 2);
    sim.at(90, () => sim.schedule(10, (a) => log.push(a), 3)); // lands exactly on until during the run
    sim.at(150, (a) => log.push(a), 4);
    sim.run({ until: 100 });
    expect(log).toEqual([1, 2, 3]);
    expect(sim.now).toBe(100);
    expect(sim.pending).toBe(1);
    expect(sim.peekTime()).toBe(150);

    sim.run({ until: 120 });
    expect(sim.now).toBe(120);
    expect(log).toEqual([1, 2, 3]);
    sim.schedule(10, (a) => log.push(a), 5); // at 130, before the pending 150
    sim.run();
    expect(log).toEqual([1, 2, 3, 5, 4]);
    expect(sim.now).toBe(150);
    expect(sim.fired).toBe(6);
  });

  it('run with an until in the past does nothing and keeps now', () => {
    const sim = new Sim();
    sim.run({ until: 500 });
    expect(sim.now).toBe(500);
    let hit = false;
    sim.schedule(10, () => {
      hit = true;
    });
    sim.run({ until: 200 });
    expect(sim.now).toBe(500);
    expect(hit).toBe(false);
    expect(sim.pending).toBe(1);
  });

  it('run() without until leaves now at the last event time', () => {
    const sim = new Sim();
    sim.schedule(42, () => {});
    sim.run();
    expect(sim.now).toBe(42);
    expect(sim.peekTime()).toBe(Number.POSITIVE_INFINITY);
  });

  it('step fires one event at a time and skips cancelled entries', () => {
    const sim = new Sim();
    const log: number[] = [];
    const h = sim.schedule(1, (a) => log.push(a), 1);
    sim.schedule(2, (a) => log.push(a), 2);
    sim.cancel(h);
    expect(sim.step()).toBe(true);
    expect(log).toEqual([2]);
    expect(sim.now).toBe(2);
    expect(sim.step()).toBe(false);
  });
});

describe('Sim argument checks', () => {
  it('schedule rejects negative and NaN delays', () => {
    const sim = new Sim();
    expect(() => sim.schedule(-1, () => {})).toThrow(RangeError);
    expect(() => sim.schedule(Number.NaN, () => {})).toThrow(/NaN/);
    expect(() => sim.schedule(-0.5, () => {})).toThrow(/negative/);
    expect(sim.pending).toBe(0);
    expect(sim.schedule(0, () => {})).toBeGreaterThanOrEqual(0);
  });

  it('at rejects times before now and accepts now', () => {
    const sim = new Sim();
    sim.schedule(100, () => {});
    sim.run();
    expect(() => sim.at(99, () => {})).toThrow(/before now/);
    expect(() => sim.at(Number.NaN, () => {})).toThrow(RangeError);
    let fired = false;
    sim.at(100, () => {
      fired = true;
    });
    sim.run();
    expect(fired).toBe(true);
    expect(sim.fired).toBe(2);
  });
});

describe('Sim integer time', () => {
  it('after(from, delay) rounds the delay to whole ns: from + round(delay)', () => {
    const sim = new Sim();
    const at: number[] = [];
    const rec = () => at.push(sim.now);
    sim.after(1000, 0.4, rec);
    sim.after(1000, 0.5, rec);
    sim.after(1000, 2.6, rec);
    sim.after(0, 1e9 / 3, rec);
    sim.run();
    expect(at).toEqual([1000, 1001, 1003, 333_333_333]);
    expect(() => sim.after(0, 5, rec)).toThrow(/before now/);
  });

  it('under test (ANONSIM_STRICT_TIME=1, vitest.config.ts) a fractional time is refused by at and schedule', () => {
    expect(process.env.ANONSIM_STRICT_TIME).toBe('1');
    const sim = new Sim();
    expect(() => sim.at(10.5, () => {})).toThrow(/not a whole number of ns/);
    expect(() => sim.schedule(1e-3, () => {})).toThrow(/not a whole number of ns/);
    expect(sim.pending).toBe(0);
    sim.at(10, () => {});
    expect(sim.pending).toBe(1);
  });
});
