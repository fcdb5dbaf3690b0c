// Determinism: a PHOLD model driven by named streams gives the same event trace for the same seed.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { randExp, randInt, Streams } from '../../src/core/rng.js';
import { Sim } from '../../src/core/sim.js';
import { SEC } from '../../src/core/time.js';

/** PHOLD: `lps` logical processes, `m` initial events each; returns sha256 over the (time, lp) sequence. */
function pholdTrace(seed: number, lps = 50, m = 4, events = 20_000): { hash: string; fired: number; now: number } {
  const sim = new Sim();
  const streams = new Streams(seed).sub('phold');
  const rngs = Array.from({ length: lps }, (_, i) => streams.stream(`lp/${i}`));
  const buf = new Float64Array(2 * events);
  let n = 0;
  const handle = (lp: number) => {
    if (n < events) {
      buf[2 * n] = sim.now;
      buf[2 * n + 1] = lp;
    }
    n++;
    if (n >= events) return;
    const rng = rngs[lp];
    const delay = Math.round(randExp(rng, SEC) + 0.1 * SEC);
    sim.schedule(delay, handle, randInt(rng, lps));
  };
  const init = streams.stream('init');
  for (let lp = 0; lp < lps; lp++) for (let j = 0; j < m; j++) sim.schedule(Math.round(randExp(init, SEC)), handle, lp);
  sim.run();
  const hash = createHash('sha256').update(new Uint8Array(buf.buffer)).digest('hex');
  return { hash, fired: sim.fired, now: sim.now };
}

describe('determinism', () => {
  it('same seed → identical PHOLD event trace (50 LPs)', () => {
    const a = pholdTrace(42);
    const b = pholdTrace(42);
    expect(a.fired).toBe(20_000 + 50 * 4 - 1);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.hash).toBe(a.hash);
    expect(b.now).toBe(a.now);
  });

  it('different seed → different trace', () => {
    const a = pholdTrace(42);
    const c = pholdTrace(43);
    expect(c.hash).not.toBe(a.hash);
  });

  it('an unrelated model running in between does not change the trace', () => {
    const a = pholdTrace(7);
    pholdTrace(8, 20, 2, 1000);
    const other = new Streams(7).stream('noise');
    for (let i = 0; i < 1000; i++) other();
    expect(pholdTrace(7).hash).toBe(a.hash);
  });
});
