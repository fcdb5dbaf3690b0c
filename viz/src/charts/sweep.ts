/**
 * Chart b: any metric against any swept parameter, one line per design with its 95% interval band,
 * for the chosen adversary × attack. Other swept keys stay at the values of the chosen sweep cell.
 * Designs the key does not change (identical results in every cell) are grey and dashed; the
 * no-information baseline follows the cells (1/users along a `workload.users` sweep); a numeric key
 * spanning more than a decade gets a log axis. Runs without a sweep get an explanatory note instead.
 */
import {
  area,
  axisBottom,
  axisLeft,
  extent,
  line,
  max,
  min,
  type ScaleLinear,
  type ScaleLogarithmic,
  type ScalePoint,
  scaleLinear,
  scaleLog,
  scalePoint,
} from 'd3';
import type { Render } from '../context.js';
import { chanceBaseline, METRIC_LABELS } from '../data.js';

const BASELINE_LABEL: Record<string, string> = {
  top1: 'no information: 1/users',
  top5: 'no information: 5/users',
  entropy_bits: 'no information: log2(users)',
  anonymity_set: 'no information: all users',
  pair_auc: 'chance: AUC 0.5',
};

import { axisLabel, frame, type G, interval, legend, note, shorten, tooltip } from '../ui.js';

interface Pt {
  design: string;
  xv: string;
  x: number;
  mean: number;
  lo: number;
  hi: number;
  replicates: number;
}

export const renderSweep: Render = (svg, ctx) => {
  const { model, state } = ctx;
  const W = 600;
  if (model.sweepKeys.length === 0) {
    note(svg, W, [
      'This run had no sweep: every row is a single parameter setting.',
      'Add a `sweep:` block to the scenario (e.g. adversaries.1.fraction: [0.01, 0.1])',
      'to plot a metric against a parameter.',
    ]);
    return 'no sweep in this run';
  }
  const j = Math.max(0, model.sweepKeys.indexOf(state.sweepKey));
  const key = model.sweepKeys[j];
  const fixed = model.cells[state.cell]?.values ?? [];
  const metric = state.metric;
  const rows = model.aggregate.filter(
    (r) =>
      r.adversary === state.adversary &&
      r.attack === state.attack &&
      Number.isFinite(r.m[metric]?.mean) &&
      model.sweepKeys.every((_, k) => k === j || model.cells[r.cell].values[k] === fixed[k]),
  );
  if (rows.length === 0) {
    note(svg, W, [`No aggregate rows for ${shorten(state.adversary, 30)} × ${shorten(state.attack, 30)}.`]);
    return 'no data for this selection';
  }
  const numeric = model.sweepNumeric[j];
  // A design the swept key does not change has bit-identical results in every cell along x (same
  // simulation, same seeds): drawn grey and thin, not as if it responded.
  const alongX = (c: number) => model.sweepKeys.every((_, k) => k === j || model.cells[c].values[k] === fixed[k]);
  const unaffected = new Set(
    model.designs.filter((d) => {
      const sums = model.summary.filter(
        (r) => r.design === d && r.adversary === state.adversary && r.attack === state.attack && alongX(r.cell),
      );
      const byCell = new Map<number, string[]>();
      for (const r of sums.sort((a, b) => a.replicate - b.replicate)) {
        const list = byCell.get(r.cell) ?? [];
        list.push(JSON.stringify(r.v));
        byCell.set(r.cell, list);
      }
      const texts = [...byCell.values()].map((v) => v.join('|'));
      return texts.length > 1 && texts.every((t) => t === texts[0]);
    }),
  );
  const pts: Pt[] = rows.map((r) => {
    const xv = model.cells[r.cell].values[j];
    const mm = r.m[metric];
    return { design: r.design, xv, x: Number(xv), mean: mm.mean, lo: mm.lo, hi: mm.hi, replicates: r.replicates };
  });
  const m = { top: 40, left: 58, right: 18, bottom: 46 };
  const H = 340;
  const iw = W - m.left - m.right;
  const ih = H - m.top - m.bottom;
  frame(svg, W, H);
  const root = svg.append('g') as unknown as G;
  const designs = model.designs.filter((d) => pts.some((p) => p.design === d));
  const baselineAt = (cell: number): number | undefined => {
    const users = model.aggregate.find((r) => r.cell === cell && Number.isFinite(r.users))?.users;
    return users === undefined ? undefined : chanceBaseline(metric, users);
  };
  const base = model.cells
    .map((_, c) => c)
    .filter((c) => alongX(c))
    .map((c) => ({ xv: model.cells[c].values[j], x: Number(model.cells[c].values[j]), b: baselineAt(c) }))
    .filter((p): p is { xv: string; x: number; b: number } => p.b !== undefined && Number.isFinite(p.b));
  legend(
    root,
    [
      ...designs.map((d) => ({
        label: unaffected.has(d) ? `${shorten(d, 20)} (not affected by this key)` : shorten(d, 24),
        color: unaffected.has(d) ? '#b0b0b0' : ctx.color(d),
        shape: unaffected.has(d) ? 'dash' : 'line',
      })),
      ...(base.length > 0 ? [{ label: BASELINE_LABEL[metric] ?? 'no information', color: '#000', shape: 'dash' }] : []),
    ],
    m.left,
    14,
    iw,
  );
  const g = root.append('g').attr('transform', `translate(${m.left},${m.top})`);

  let xPos: (p: Pt) => number;
  let scaleKind = 'point';
  let axisX: ScaleLinear<number, number> | ScaleLogarithmic<number, number> | ScalePoint<string>;
  if (numeric) {
    const [x0, x1] = extent(pts, (p) => p.x) as [number, number];
    // More than a decade: a log axis (the population and colluding-fraction studies need it).
    const useLog = x0 > 0 && x1 / x0 > 10;
    const sx = useLog ? scaleLog().domain([x0, x1]).range([0, iw]) : scaleLinear().domain([x0, x1]).range([0, iw]);
    if (x0 === x1) sx.domain(useLog ? [x0 / 2, x0 * 2] : [x0 - 1, x1 + 1]);
    if (!useLog) (sx as ScaleLinear<number, number>).nice();
    scaleKind = useLog ? 'log' : 'linear';
    axisX = sx;
    xPos = (p) => sx(p.x);
  } else {
    const order = model.cells.map((c) => c.values[j]).filter((v, i, a) => a.indexOf(v) === i);
    const sp = scalePoint<string>().domain(order).range([0, iw]).padding(0.3);
    axisX = sp;
    xPos = (p) => sp(p.xv) ?? 0;
  }
  const lo = min(pts, (p) => (Number.isFinite(p.lo) ? p.lo : p.mean)) ?? 0;
  const hi = Math.max(max(pts, (p) => (Number.isFinite(p.hi) ? p.hi : p.mean)) ?? 1, max(base, (p) => p.b) ?? 0);
  const y = scaleLinear()
    .domain([Math.min(0, lo), hi > Math.min(0, lo) ? hi * 1.05 : 1])
    .nice()
    .range([ih, 0]);
  g.append('g')
    .attr('class', 'gridlines')
    .call(
      axisLeft(y)
        .ticks(5)
        .tickSize(-iw)
        .tickFormat(() => ''),
    );
  g.append('g').attr('class', 'axis axis-y').call(axisLeft(y).ticks(5));
  const xa = g
    .append('g')
    .attr('class', 'axis axis-x')
    .attr('data-scale', scaleKind)
    .attr('transform', `translate(0,${ih})`);
  if (numeric) xa.call(axisBottom(axisX as ScaleLinear<number, number>).ticks(6));
  else xa.call(axisBottom(axisX as ScalePoint<string>).tickFormat((d) => shorten(d, 14)));
  axisLabel(g as unknown as G, shorten(key, 60), iw / 2, ih + 36);
  axisLabel(g as unknown as G, METRIC_LABELS[metric] ?? metric, -44, ih / 2, true);

  if (base.length > 0) {
    const bp = base
      .map((p) => ({ design: '', xv: p.xv, x: p.x, mean: p.b, lo: p.b, hi: p.b, replicates: 0 }))
      .sort((a, b) => xPos(a) - xPos(b));
    g.append('path')
      .datum(bp)
      .attr('class', 'baseline')
      .attr('data-values', JSON.stringify(bp.map((p) => p.mean)))
      .attr('fill', 'none')
      .attr('stroke', '#000')
      .attr('stroke-width', 1.5)
      .attr('stroke-dasharray', '5 3')
      .attr(
        'd',
        line<Pt>()
          .x(xPos)
          .y((p) => y(p.mean)),
      );
  }
  for (const d of designs) {
    const series = pts.filter((p) => p.design === d).sort((a, b) => xPos(a) - xPos(b));
    const grey = unaffected.has(d);
    const colour = grey ? '#b0b0b0' : ctx.color(d);
    const withBand = series.filter((p) => Number.isFinite(p.lo) && Number.isFinite(p.hi));
    g.append('path')
      .datum(withBand)
      .attr('class', 'band')
      .attr('data-design', d)
      .attr('fill', colour)
      .attr('fill-opacity', 0.16)
      .attr('stroke', 'none')
      .attr(
        'd',
        area<Pt>()
          .x(xPos)
          .y0((p) => y(p.lo))
          .y1((p) => y(p.hi)),
      );
    g.append('path')
      .datum(series)
      .attr('class', 'line')
      .classed('unaffected', grey)
      .attr('data-design', d)
      .attr('fill', 'none')
      .attr('stroke', colour)
      .attr('stroke-dasharray', grey ? '4 3' : null)
      .attr('stroke-width', grey ? 1.2 : d === state.design ? 3 : 2)
      .attr(
        'd',
        line<Pt>()
          .x(xPos)
          .y((p) => y(p.mean)),
      );
    const dots = g
      .selectAll(null)
      .data(series)
      .join('circle')
      .attr('class', 'pt')
      .attr('cx', xPos)
      .attr('cy', (p) => y(p.mean))
      .attr('r', grey ? 2.5 : 4)
      .attr('fill', colour)
      .attr('stroke', '#fff');
    tooltip(dots, (p) =>
      [
        `design: ${p.design}`,
        `${key} = ${p.xv}`,
        `${METRIC_LABELS[metric] ?? metric}: ${interval(p.mean, p.lo, p.hi)}`,
        `replicates: ${p.replicates}`,
        grey ? `not affected by ${key}: identical results in every cell` : '',
      ]
        .filter(Boolean)
        .join('\n'),
    );
  }
  const others = model.sweepKeys.map((k, i) => (i === j ? '' : `${k} = ${fixed[i]}`)).filter(Boolean);
  const grey = unaffected.size ? `; grey dashed = not affected by ${key} (${[...unaffected].join(', ')})` : '';
  return `${state.adversary} × ${state.attack}; x = ${key}${others.length ? `; fixed: ${others.join(', ')}` : ''}${grey}.`;
};
