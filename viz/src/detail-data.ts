/**
 * The viewer's model of the detail files written per attacked view and sweep cell (src/export/detail.ts):
 * roc.csv, distributions.csv, correlation.csv and candidates.csv, grouped back into one object per
 * curve, distribution, sampled pair or sampled delivery. Pure functions (no DOM), tested in Node.
 */

type Row = Record<string, string | undefined>;

/** Labels every detail row carries; `cell` indexes Model.cells. */
export interface ViewKey {
  design: string;
  adversary: string;
  attack: string;
  replicate: number;
  cell: number;
}

export interface RocData extends ViewKey {
  fpr: number[];
  tpr: number[];
}

export interface DistData extends ViewKey {
  metric: string;
  deliveries: number;
  /** Quantile levels in [0, 1] and the quantiles at them. */
  levels: number[];
  q: number[];
}

export interface CorrData extends ViewKey {
  sample: number;
  recipient: string;
  sender: string;
  /** '' when the attack scored no wrong candidate above 0. */
  wrong: string;
  windowS: number;
  shiftS: number;
  windows: number;
  rSender: number;
  rWrong: number;
  window: number[];
  recipientCount: number[];
  senderCount: number[];
  wrongCount: number[];
}

export interface CandSend {
  user: string;
  posterior: number;
  isTrue: boolean;
  beforeMs: number[];
  density: number[];
}

export interface CandData extends ViewKey {
  sample: number;
  message: string;
  recipient: string;
  sender: string;
  anchorMs: number;
  spanS: number;
  otherMass: number;
  otherUsers: number;
  candidates: CandSend[];
}

export interface DetailModel {
  roc: RocData[];
  distributions: DistData[];
  correlation: CorrData[];
  candidates: CandData[];
}

function num(s: string | undefined): number {
  if (s === undefined || s.trim() === '') return Number.NaN;
  return Number(s);
}

function key(r: Row, cell: number, extra: string[]): string {
  return JSON.stringify([r.design, r.adversary, r.attack, r.replicate, cell, ...extra.map((k) => r[k])]);
}

function viewKey(r: Row, cell: number): ViewKey {
  return {
    design: r.design ?? '',
    adversary: r.adversary ?? '',
    attack: r.attack ?? '',
    replicate: num(r.replicate),
    cell,
  };
}

/** Groups consecutive-or-not rows by (view, cell, extra columns), in first-appearance order. */
function group(rows: Row[], cellOf: (r: Row) => number, extra: string[]): { first: Row; cell: number; rows: Row[] }[] {
  const out = new Map<string, { first: Row; cell: number; rows: Row[] }>();
  for (const r of rows) {
    const cell = cellOf(r);
    const k = key(r, cell, extra);
    const g = out.get(k);
    if (g) g.rows.push(r);
    else out.set(k, { first: r, cell, rows: [r] });
  }
  return [...out.values()];
}

export function rocData(rows: Row[], cellOf: (r: Row) => number): RocData[] {
  return group(rows, cellOf, []).map((g) => ({
    ...viewKey(g.first, g.cell),
    fpr: g.rows.map((r) => num(r.fpr)),
    tpr: g.rows.map((r) => num(r.tpr)),
  }));
}

export function distData(rows: Row[], columns: string[], cellOf: (r: Row) => number): DistData[] {
  const qCols = columns.filter((c) => /^p\d+(\.\d+)?$/.test(c));
  const levels = qCols.map((c) => Number(c.slice(1)) / 100);
  return rows.map((r) => ({
    ...viewKey(r, cellOf(r)),
    metric: r.metric ?? '',
    deliveries: num(r.deliveries),
    levels,
    q: qCols.map((c) => num(r[c])),
  }));
}

export function corrData(rows: Row[], cellOf: (r: Row) => number): CorrData[] {
  return group(rows, cellOf, ['sample']).map((g) => {
    const f = g.first;
    const active = g.rows.filter((r) => (r.window ?? '') !== '');
    return {
      ...viewKey(f, g.cell),
      sample: num(f.sample),
      recipient: f.recipient ?? '',
      sender: f.sender ?? '',
      wrong: f.wrong ?? '',
      windowS: num(f.window_s),
      shiftS: num(f.shift_s),
      windows: num(f.windows),
      rSender: num(f.r_sender),
      rWrong: num(f.r_wrong),
      window: active.map((r) => num(r.window)),
      recipientCount: active.map((r) => num(r.recipient_count)),
      senderCount: active.map((r) => num(r.sender_count)),
      wrongCount: active.map((r) => num(r.wrong_count) || 0),
    };
  });
}

export function candData(rows: Row[], cellOf: (r: Row) => number): CandData[] {
  return group(rows, cellOf, ['sample']).map((g) => {
    const f = g.first;
    const byUser = new Map<string, CandSend>();
    for (const r of g.rows) {
      const user = r.candidate ?? '';
      let c = byUser.get(user);
      if (!c) {
        c = {
          user,
          posterior: num(r.posterior),
          isTrue: /^true$/i.test(r.is_true ?? ''),
          beforeMs: [],
          density: [],
        };
        byUser.set(user, c);
      }
      if ((r.before_ms ?? '') !== '') {
        c.beforeMs.push(num(r.before_ms));
        c.density.push(num(r.density_per_s));
      }
    }
    return {
      ...viewKey(f, g.cell),
      sample: num(f.sample),
      message: f.message ?? '',
      recipient: f.recipient ?? '',
      sender: f.sender ?? '',
      anchorMs: num(f.anchor_ms),
      spanS: num(f.span_s),
      otherMass: num(f.other_mass),
      otherUsers: num(f.other_users),
      candidates: [...byUser.values()],
    };
  });
}

/** Trapezoid area under a polyline (the ROC's AUC when drawn from (0, 0) to (1, 1)). */
export function trapezoid(x: readonly number[], y: readonly number[]): number {
  let a = 0;
  for (let k = 1; k < x.length; k++) a += ((x[k] - x[k - 1]) * (y[k] + y[k - 1])) / 2;
  return a;
}

/**
 * The step CDF of a distribution given by quantiles: F reaches level p at value q(p). Points
 * (value, F) for a step-after line, from F = 0 at the minimum to F = 1 at the maximum.
 */
export function quantileCdf(d: Pick<DistData, 'levels' | 'q'>): [number, number][] {
  const pts: [number, number][] = [];
  for (let k = 0; k < d.q.length; k++) {
    const v = d.q[k];
    if (!Number.isFinite(v)) continue;
    const f = d.levels[k];
    // Equal quantiles are one jump: keep the highest level reached at a value.
    if (pts.length > 0 && pts[pts.length - 1][0] === v) pts[pts.length - 1][1] = f;
    else pts.push([v, k === 0 ? 0 : f]);
  }
  return pts;
}
