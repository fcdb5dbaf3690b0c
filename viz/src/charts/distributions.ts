/**
 * Chart f: per-delivery distributions for the chosen adversary × attack × sweep cell, from
 * distributions.csv (quantiles p0 … p100 per design and replicate): the CDF of the anonymity set 2^H
 * (how sure the attack is) and, dotted, of the true sender's expected rank (whether it is right),
 * with `excluded` per design in the legend. Older results without distributions.csv fall back to
 * messages.csv (one value per scored delivery) or summary.csv (one mean per replicate).
 * Chart i: time to first deanonymization (ttfd.csv): the fraction of communicating pairs identified
 * within n of their messages, per design (TorPS-style; curves stop below 1 when pairs never are);
 * solid = strict (a unique causal top), dashed = tie-aware (a tie of g counts 1/g).
 */
import { axisBottom, axisLeft, curveStepAfter, line, max, scaleLinear, scaleLog } from 'd3';
import { cellLabel, type Render } from '../context.js';
import { ecdf } from '../data.js';
import { quantileCdf } from '../detail-data.js';
import { axisLabel, fmt, frame, type G, type LegendItem, legend, note, shorten, tooltip } from '../ui.js';

interface Series {
  design: string;
  /** CSS class of the path (the tests count them). */
  cls: string;
  points: [number, number][];
  n: number;
  dash?: string;
  opacity?: number;
  what: string;
}

function drawCdf(
  svg: Parameters<Render>[0],
  ctx: Parameters<Render>[1],
  series: Series[],
  items: LegendItem[],
  opts: { xLabel: string; yLabel: string; xMax: number; refX?: number; endAtOne: boolean },
): void {
  const W = 600;
  const H = 360;
  const root0 = (() => {
    frame(svg, W, H);
    return svg.append('g') as unknown as G;
  })();
  const legendH = legend(root0, items, 56, 14, W - 76);
  const m = { top: 24 + legendH, left: 56, right: 20, bottom: 46 };
  const iw = W - m.left - m.right;
  const ih = H - m.top - m.bottom;
  const g = root0.append('g').attr('transform', `translate(${m.left},${m.top})`);
  const x = scaleLog()
    .domain([1, Math.max(2, opts.xMax)])
    .range([0, iw])
    .clamp(true);
  const y = scaleLinear().domain([0, 1]).range([ih, 0]);
  g.append('g')
    .attr('class', 'gridlines')
    .call(
      axisLeft(y)
        .ticks(5)
        .tickSize(-iw)
        .tickFormat(() => ''),
    );
  g.append('g').attr('class', 'axis axis-y').call(axisLeft(y).ticks(5));
  g.append('g').attr('class', 'axis axis-x').attr('transform', `translate(0,${ih})`).call(axisBottom(x).ticks(6, '~s'));
  axisLabel(g as unknown as G, opts.xLabel, iw / 2, ih + 36);
  axisLabel(g as unknown as G, opts.yLabel, -42, ih / 2, true);
  if (opts.refX !== undefined) {
    g.append('line')
      .attr('class', 'baseline')
      .attr('x1', x(opts.refX))
      .attr('x2', x(opts.refX))
      .attr('y1', 0)
      .attr('y2', ih)
      .attr('stroke', '#000')
      .attr('stroke-dasharray', '5 3');
  }
  for (const s of series) {
    const path = g
      .append('path')
      .datum(s)
      .attr('class', s.cls)
      .attr('data-design', s.design)
      .attr('fill', 'none')
      .attr('stroke', ctx.color(s.design))
      .attr('stroke-opacity', s.opacity ?? 1)
      .attr('stroke-dasharray', s.dash ?? null)
      .attr('stroke-width', s.design === ctx.state.design ? 3 : 2)
      .attr('d', () => {
        const pts: [number, number][] = [[1, 0], ...s.points.map(([v, f]): [number, number] => [Math.max(1, v), f])];
        const last = pts[pts.length - 1];
        if (opts.endAtOne || last[0] < opts.xMax) pts.push([Math.max(opts.xMax, last[0]), last[1]]);
        return line().curve(curveStepAfter)(pts.map(([v, f]) => [x(v), y(f)]));
      });
    tooltip(path, () => {
      const med = s.points.find(([, f]) => f >= 0.5);
      return [`design: ${s.design}`, s.what, `n = ${s.n}`, med ? `median: ${fmt(med[0])}` : 'median not reached'].join(
        '\n',
      );
    });
  }
}

/** Mean over replicates of an aggregate metric for a design in the current selection. */
function aggMean(ctx: Parameters<Render>[1], design: string, metric: string): number {
  const { state } = ctx;
  const r = ctx.model.aggregate.find(
    (a) => a.design === design && a.adversary === state.adversary && a.attack === state.attack && a.cell === state.cell,
  );
  return r?.m[metric]?.mean ?? Number.NaN;
}

export const renderAnonCdf: Render = (svg, ctx) => {
  const { model, state } = ctx;
  const users = max(model.summary, (r) => r.users) ?? Number.NaN;
  const sel = model.detail.distributions.filter(
    (d) => d.adversary === state.adversary && d.attack === state.attack && d.cell === state.cell,
  );
  if (sel.length === 0) return legacyCdf(svg, ctx);
  const designs = model.designs.filter((d) => sel.some((r) => r.design === d));
  const series: Series[] = [];
  for (const d of designs) {
    for (const [metric, cls, dash, what] of [
      ['anonymity_set', 'cdf', undefined, 'anonymity set 2^H per scored delivery'],
      ['true_rank', 'cdf-rank', '2 3', 'expected rank of the true sender per scored delivery'],
    ] as const) {
      for (const r of sel.filter((x) => x.design === d && x.metric === metric))
        series.push({
          design: d,
          cls,
          points: quantileCdf(r),
          n: r.deliveries,
          dash,
          opacity: r.replicate === 0 ? 1 : 0.45,
          what: `${what} (replicate ${r.replicate})`,
        });
    }
  }
  const items: LegendItem[] = designs.map((d) => {
    const n = sel.find((r) => r.design === d && r.metric === 'anonymity_set')?.deliveries ?? 0;
    const ex = aggMean(ctx, d, 'excluded');
    return {
      label: `${shorten(d, 18)} (n=${n}${Number.isFinite(ex) ? `, excluded ${fmt(ex, 2)}` : ''})`,
      color: ctx.color(d),
      shape: 'line',
    };
  });
  items.push(
    { label: 'solid: anonymity set (certainty)', color: '#444', shape: 'line' },
    { label: 'dotted: true sender’s rank (correctness)', color: '#444', shape: 'dash' },
    { label: 'all users (no information)', color: '#000', shape: 'dash' },
  );
  const vmax = max(series, (s) => s.points[s.points.length - 1]?.[0]) ?? 2;
  drawCdf(svg, ctx, series, items, {
    xLabel: 'users (log scale): anonymity set 2^H, or expected rank of the true sender',
    yLabel: 'fraction of scored deliveries',
    xMax: Math.max(vmax, Number.isFinite(users) ? users : 0),
    refX: Number.isFinite(users) ? users : undefined,
    endAtOne: true,
  });
  const reps = new Set(sel.map((r) => r.replicate)).size;
  return `${state.adversary} × ${state.attack}${cellLabel(ctx)}: quantiles p0…p100 over scored deliveries (distributions.csv)${reps > 1 ? `, one curve per replicate (${reps})` : ''}; quote an anonymity set only with excluded beside it.`;
};

/** Results written before distributions.csv: messages.csv per delivery, else summary.csv per replicate. */
const legacyCdf: Render = (svg, ctx) => {
  const { model, state } = ctx;
  const fromMessages = model.messages !== null;
  const values = (d: string): number[] =>
    model.messages
      ? model.messages
          .filter(
            (r) =>
              r.design === d && r.adversary === state.adversary && r.attack === state.attack && r.cell === state.cell,
          )
          .map((r) => 2 ** r.entropyBits)
      : model.summary
          .filter(
            (r) =>
              r.design === d && r.adversary === state.adversary && r.attack === state.attack && r.cell === state.cell,
          )
          .map((r) => r.v.anonymity_set)
          .filter(Number.isFinite);
  const series: Series[] = model.designs
    .map((d) => {
      const v = values(d);
      return { design: d, cls: 'cdf', points: ecdf(v), n: v.length, what: 'anonymity set 2^H' };
    })
    .filter((s) => s.n > 0);
  if (series.length === 0) {
    note(svg, 600, [`No anonymity-set values for ${shorten(state.adversary, 30)} × ${shorten(state.attack, 30)}.`]);
    return 'no data for this selection';
  }
  const users = max(model.summary, (r) => r.users) ?? Number.NaN;
  const vmax = max(series, (s) => s.points[s.points.length - 1]?.[0]) ?? 2;
  const items: LegendItem[] = series.map((s) => ({
    label: `${shorten(s.design, 20)} (n=${s.n})`,
    color: ctx.color(s.design),
    shape: 'line',
  }));
  items.push({ label: 'all users (no information)', color: '#000', shape: 'dash' });
  drawCdf(svg, ctx, series, items, {
    xLabel: fromMessages
      ? 'anonymity set 2^H per scored delivery (users, log scale)'
      : 'mean anonymity set 2^H per replicate (users, log scale)',
    yLabel: fromMessages ? 'fraction of scored deliveries' : 'fraction of replicates',
    xMax: Math.max(vmax, Number.isFinite(users) ? users : 0),
    refX: Number.isFinite(users) ? users : undefined,
    endAtOne: true,
  });
  return fromMessages
    ? `${state.adversary} × ${state.attack}: per scored delivery, from messages.csv.`
    : `${state.adversary} × ${state.attack}: per replicate from summary.csv (this results folder has no distributions.csv).`;
};

/**
 * Tie-aware TTFD curve: F(n) = mean over pairs of max(1[strict ≤ n], 1[tied ≤ n] / tied_top) —
 * a pair whose sender shares the causal top with g − 1 others counts 1/g (the chance a uniform
 * tie-break names it) from then on, and 1 once the top is unique.
 */
export function tiedCurve(
  rows: { messagesUntil: number | null; messagesUntilTop: number | null; tiedTop: number | null }[],
) {
  const steps = new Set<number>();
  for (const r of rows) {
    if (r.messagesUntil !== null) steps.add(r.messagesUntil);
    if (r.messagesUntilTop !== null) steps.add(r.messagesUntilTop);
  }
  const ns = [...steps].sort((a, b) => a - b);
  return ns.map((n): [number, number] => {
    let sum = 0;
    for (const r of rows) {
      const strict = r.messagesUntil !== null && r.messagesUntil <= n ? 1 : 0;
      const tied = r.messagesUntilTop !== null && r.messagesUntilTop <= n && r.tiedTop ? 1 / r.tiedTop : 0;
      sum += Math.max(strict, tied);
    }
    return [n, sum / Math.max(1, rows.length)];
  });
}

export const renderTtfd: Render = (svg, ctx) => {
  const { model, state } = ctx;
  const rows = model.ttfd.filter(
    (r) => r.adversary === state.adversary && r.attack === state.attack && r.cell === state.cell,
  );
  if (rows.length === 0) {
    note(svg, 600, [
      model.ttfd.length === 0
        ? 'No ttfd.csv rows in this results folder.'
        : `No ttfd rows for ${shorten(state.adversary, 30)} × ${shorten(state.attack, 30)}${cellLabel(ctx)}.`,
    ]);
    return 'no data for this selection';
  }
  const tieAware = rows.some((r) => r.tiedTop !== null);
  const series: Series[] = [];
  const items: LegendItem[] = [];
  for (const d of model.designs) {
    const dr = rows.filter((r) => r.design === d);
    if (dr.length === 0) continue;
    const hits = dr.map((r) => r.messagesUntil).filter((v): v is number => v !== null);
    // F(n) over all pairs (never-identified pairs keep the curve below 1).
    const pts = ecdf(hits).map(([v, f]): [number, number] => [v, (f * hits.length) / dr.length]);
    series.push({ design: d, cls: 'ttfd', points: pts, n: dr.length, what: 'strict: unique causal top' });
    let extra = '';
    if (tieAware) {
      const tied = tiedCurve(dr);
      series.push({ design: d, cls: 'ttfd-tied', points: tied, n: dr.length, dash: '5 3', what: 'tie-aware: 1/ties' });
      extra = `, ${fmt(tied.at(-1)?.[1] ?? 0, 2)} tie-weighted`;
    }
    items.push({
      label: `${shorten(d, 18)} (n=${dr.length}, ${hits.length} identified${extra})`,
      color: ctx.color(d),
      shape: 'line',
    });
  }
  if (tieAware)
    items.push(
      { label: 'solid: unique top', color: '#444', shape: 'line' },
      { label: 'dashed: a tie of g counts 1/g', color: '#444', shape: 'dash' },
    );
  const xMax = max(rows, (r) => Math.max(r.messagesUntil ?? 1, r.messagesUntilTop ?? 1, 1)) ?? 2;
  drawCdf(svg, ctx, series, items, {
    xLabel: 'messages until first identification (log scale)',
    yLabel: 'fraction of communicating pairs identified',
    xMax: Math.max(2, xMax),
    endAtOne: false,
  });
  return `${state.adversary} × ${state.attack}${cellLabel(ctx)}: ${rows.length} communicating pairs over all replicates${tieAware ? '; solid = strict (ttfd.csv messages_until_identified), dashed = tie-aware (messages_until_tied_top, tied_top)' : ''}.`;
};
