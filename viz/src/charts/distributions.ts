/**
 * Chart f: the distribution (CDF) of the anonymity set 2^H per design, from messages.csv when the
 * run wrote it (one value per scored delivery), else from summary.csv (one mean per replicate).
 * Chart i: time to first deanonymization (ttfd.csv): the fraction of communicating pairs identified
 * within n of their messages, per design (TorPS-style; curves stop below 1 when pairs never are).
 */
import { axisBottom, axisLeft, curveStepAfter, line, max, scaleLinear, scaleLog } from 'd3';
import type { Render } from '../context.js';
import { ecdf } from '../data.js';
import { axisLabel, fmt, frame, type G, legend, note, shorten, tooltip } from '../ui.js';

interface Series {
  design: string;
  points: [number, number][];
  n: number;
  extra?: string;
}

function drawCdf(
  svg: Parameters<Render>[0],
  ctx: Parameters<Render>[1],
  series: Series[],
  opts: {
    cls: string;
    xLabel: string;
    yLabel: string;
    xMax: number;
    refX?: number;
    refLabel?: string;
    endAtOne: boolean;
  },
): void {
  const W = 600;
  const H = 340;
  const m = { top: 40, left: 56, right: 20, bottom: 46 };
  const iw = W - m.left - m.right;
  const ih = H - m.top - m.bottom;
  frame(svg, W, H);
  const root = svg.append('g') as unknown as G;
  const items = series.map((s) => ({
    label: `${shorten(s.design, 20)} (n=${s.n}${s.extra ? `, ${s.extra}` : ''})`,
    color: ctx.color(s.design),
    shape: 'line',
  }));
  if (opts.refX !== undefined) items.push({ label: opts.refLabel ?? '', color: '#000', shape: 'dash' });
  legend(root, items, m.left, 14, iw);
  const g = root.append('g').attr('transform', `translate(${m.left},${m.top})`);
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
  const paths = g
    .selectAll(`path.${opts.cls}`)
    .data(series)
    .join('path')
    .attr('class', opts.cls)
    .attr('data-design', (s) => s.design)
    .attr('fill', 'none')
    .attr('stroke', (s) => ctx.color(s.design))
    .attr('stroke-width', (s) => (s.design === ctx.state.design ? 3 : 2))
    .attr('d', (s) => {
      const pts: [number, number][] = [[1, 0], ...s.points.map(([v, f]): [number, number] => [Math.max(1, v), f])];
      const last = pts[pts.length - 1];
      if (opts.endAtOne || last[0] < opts.xMax) pts.push([Math.max(opts.xMax, last[0]), last[1]]);
      return line().curve(curveStepAfter)(pts.map(([v, f]) => [x(v), y(f)]));
    });
  tooltip(paths, (s) => {
    const med = s.points.find(([, f]) => f >= 0.5);
    return [
      `design: ${s.design}`,
      `n = ${s.n}${s.extra ? ` (${s.extra})` : ''}`,
      med ? `median: ${fmt(med[0])}` : 'median not reached',
    ].join('\n');
  });
}

export const renderAnonCdf: Render = (svg, ctx) => {
  const { model, state } = ctx;
  const fromMessages = model.messages !== null;
  let series: Series[];
  if (model.messages) {
    const rows = model.messages.filter((r) => r.adversary === state.adversary && r.attack === state.attack);
    series = model.designs
      .map((d) => {
        const v = rows.filter((r) => r.design === d).map((r) => 2 ** r.entropyBits);
        return { design: d, points: ecdf(v), n: v.length };
      })
      .filter((s) => s.n > 0);
  } else {
    const rows = model.summary.filter(
      (r) => r.adversary === state.adversary && r.attack === state.attack && r.cell === state.cell,
    );
    series = model.designs
      .map((d) => {
        const v = rows.filter((r) => r.design === d).map((r) => r.v.anonymity_set);
        return { design: d, points: ecdf(v), n: v.filter(Number.isFinite).length };
      })
      .filter((s) => s.n > 0);
  }
  if (series.length === 0) {
    note(svg, 600, [`No anonymity-set values for ${shorten(state.adversary, 30)} × ${shorten(state.attack, 30)}.`]);
    return 'no data for this selection';
  }
  const users = max(model.summary, (r) => r.users) ?? Number.NaN;
  const vmax = max(series, (s) => s.points[s.points.length - 1]?.[0]) ?? 2;
  drawCdf(svg, ctx, series, {
    cls: 'cdf',
    xLabel: fromMessages
      ? 'anonymity set 2^H per scored delivery (users, log scale)'
      : 'mean anonymity set 2^H per replicate (users, log scale)',
    yLabel: fromMessages ? 'fraction of scored deliveries' : 'fraction of replicates',
    xMax: Math.max(vmax, Number.isFinite(users) ? users : 0),
    refX: Number.isFinite(users) ? users : undefined,
    refLabel: 'all users (no information)',
    endAtOne: true,
  });
  return fromMessages
    ? `${state.adversary} × ${state.attack}: per scored delivery, from messages.csv.`
    : `${state.adversary} × ${state.attack}: per replicate from summary.csv (run with --messages for per-delivery values).`;
};

export const renderTtfd: Render = (svg, ctx) => {
  const { model, state } = ctx;
  const rows = model.ttfd.filter((r) => r.adversary === state.adversary && r.attack === state.attack);
  if (rows.length === 0) {
    note(svg, 600, [
      model.ttfd.length === 0
        ? 'No ttfd.csv rows in this results folder.'
        : `No ttfd rows for ${shorten(state.adversary, 30)} × ${shorten(state.attack, 30)}.`,
    ]);
    return 'no data for this selection';
  }
  const series: Series[] = model.designs
    .map((d) => {
      const dr = rows.filter((r) => r.design === d);
      const hits = dr.map((r) => r.messagesUntil).filter((v): v is number => v !== null);
      // F(n) over all pairs (never-identified pairs keep the curve below 1).
      const pts = ecdf(hits).map(([v, f]): [number, number] => [v, (f * hits.length) / Math.max(1, dr.length)]);
      return { design: d, points: pts, n: dr.length, extra: `${hits.length} identified` };
    })
    .filter((s) => s.n > 0);
  const xMax = max(rows, (r) => Math.max(r.messagesUntil ?? 1, 1)) ?? 2;
  drawCdf(svg, ctx, series, {
    cls: 'ttfd',
    xLabel: 'messages until first identification (log scale)',
    yLabel: 'fraction of communicating pairs identified',
    xMax: Math.max(2, xMax),
    endAtOne: false,
  });
  return `${state.adversary} × ${state.attack}: ${rows.length} communicating pairs over all replicates.`;
};
