/**
 * Resolved scenarios cross the worker boundary as plain data: every `Dist` (which holds
 * functions) becomes `{ $dist, unit }` and is parsed back on the other side.
 */
import { type Dist, parseDist } from '../core/dist.js';

function isDist(v: unknown): v is Dist {
  return typeof v === 'object' && v !== null && typeof (v as Dist).sample === 'function' && 'text' in v;
}

export function toPlain<T>(value: T): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v) =>
      isDist(v) ? { $dist: v.text, unit: v.unit ?? 'duration' } : v === Number.POSITIVE_INFINITY ? '$inf' : v,
    ),
  );
}

export function fromPlain<T>(plain: unknown): T {
  const revive = (v: unknown): unknown => {
    if (v === '$inf') return Number.POSITIVE_INFINITY;
    if (Array.isArray(v)) return v.map(revive);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.$dist === 'string') return parseDist(o.$dist, o.unit as 'duration' | 'number');
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(o)) out[k] = revive(x);
      return out;
    }
    return v;
  };
  return revive(plain) as T;
}
