/**
 * Chart g: the price of privacy across a sweep, for the chosen adversary × attack. One point per
 * design × sweep cell (colour = design) in three panels:
 *   A. top1 (95% interval) against latency p50, with the Pareto front of (latency, top1);
 *   B. the same against bytes per message;
 *   C. the anonymity trilemma (Das et al., IEEE S&P 2018): messages per user per second (real +
 *      cover) against latency p50 in seconds, point size = top1, with the bound r = 1/(2L) and the
 *      region below it, where strong anonymity is impossible, shaded.
 * Panel C needs the per-cell message rates a run records (`rates`); without them it says so.
 */
import {
  type Axis,
  axisBottom,
  axisLeft,
  format,
  max,
  type NumberValue,
  type ScaleContinuousNumeric,
  scaleLinear,
  scaleLog,
  scaleSqrt,
} from 'd3';
import type { Render } from '../context.js';
import {
  boundRegion,
  boundSegment,
  paretoFront,
  paretoSteps,
  spansDecade,
  type TradeoffPoint,
  tradeoffPoints,
  trilemmaDomains,
  trilemmaMet,
} from '../tradeoff-data.js';
import { axisLabel, fmt, frame, type G, interval, legend, note, shorten, tooltip } from '../ui.js';

const BOUND_COLOR = '#D55E00';

/** A linear scale from 0, or a log scale when the values span more than a decade. */
function costScale(
  values: number[],
  width: number,
): { x: ScaleContinuousNumeric<number, number>; log: boolean; axis: Axis<NumberValue> } {
  const log = spansDecade(values);
  if (log) {
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const x = scaleLog()
      .domain([lo / 1.5, hi * 1.5])
      .nice()
      .range([0, width]);
    return { x, log, axis: axisBottom(x).ticks(5, '~s') };
  }
  const hi = max(values) ?? 1;
  const x = scaleLinear()
    .domain([0, hi > 0 ? hi * 1.1 : 1])
    .nice()
    .range([0, width]);
  return { x, log, axis: axisBottom(x).ticks(4, hi >= 1e4 ? '~s' : undefined) };
}

function pointText(p: TradeoffPoint, front: boolean, extra: string[] = []): string {
  return [
    `design: ${p.design}`,
    `cell: ${p.cellLabel}`,
    `top1: ${interval(p.top1.mean, p.top1.lo, p.top1.hi)}`,
    `latency p50 (ms): ${interval(p.latencyMs.mean, p.latencyMs.lo, p.latencyMs.hi)}`,
    `bytes per message: ${interval(p.bytes.mean, p.bytes.lo, p.bytes.hi)}`,
    ...extra,
    ...(front ? ['on the Pareto front of this panel'] : []),
  ].join('\n');
}

export const renderTradeoff: Render = (svg, ctx) => {
  const { model, state } = ctx;
  const W = 1200;
  const points = tradeoffPoints(model, state.adversary, state.attack);
  if (points.length === 0) {
    note(svg, W, [`No aggregate rows for ${shorten(state.adversary, 30)} × ${shorten(state.attack, 30)}.`]);
    return 'no data for this selection';
  }
  const H = 440;
  const m = { left: 58, right: 14, bottom: 48 };
  const gap = 66;
  const pw = (W - m.left - m.right - 2 * gap) / 3;
  frame(svg, W, H);
  const root = svg.append('g') as unknown as G;
  const designs = model.designs.filter((d) => points.some((p) => p.design === d));
  const legendH = legend(
    root,
    [
      ...designs.map((d) => ({ label: shorten(d, 22), color: ctx.color(d), shape: 'circle' })),
      { label: 'Pareto front (A, B)', color: '#333', shape: 'line' },
      { label: 'on the front', color: '#111', shape: 'ring' },
      { label: 'blind guess 1/users', color: '#777', shape: 'dash' },
      { label: 'trilemma bound r = 1/(2L)', color: BOUND_COLOR, shape: 'line' },
    ],
    m.left,
    12,
    W - m.left - m.right,
  );
  const top = 12 + legendH + 26;
  const ih = H - top - m.bottom;

  const yMax = max(points, (p) => (Number.isFinite(p.top1.hi) ? p.top1.hi : p.top1.mean)) ?? 1;
  const y = scaleLinear()
    .domain([0, yMax > 0 ? yMax * 1.08 : 1])
    .nice()
    .range([ih, 0]);
  const baselines = [...new Set(points.map((p) => p.users).filter((u) => u > 0))].map((u) => 1 / u);
  const selected = (p: TradeoffPoint) => p.design === state.design;
  const frontCounts: number[] = [];

  const panel = (i: number, cls: string, title: string) => {
    const g = root
      .append('g')
      .attr('class', `panel ${cls}`)
      .attr('transform', `translate(${m.left + i * (pw + gap)},${top})`) as unknown as G;
    g.append('text').attr('class', 'panel-title').attr('x', 0).attr('y', -10).text(title);
    return g;
  };

  // Panels A and B: top1 against a cost, with the Pareto front.
  const costs = [
    {
      cls: 'panel-latency',
      title: 'A. top1 vs latency',
      label: 'latency p50 (ms)',
      get: (p: TradeoffPoint) => p.latencyMs,
    },
    {
      cls: 'panel-bytes',
      title: 'B. top1 vs bandwidth',
      label: 'bytes per message (B)',
      get: (p: TradeoffPoint) => p.bytes,
    },
  ];
  costs.forEach((c, i) => {
    const g = panel(i, c.cls, c.title);
    // A log axis only when every value is positive (spansDecade), so no point is ever dropped for it.
    const shown = points.filter((p) => Number.isFinite(c.get(p).mean));
    const { x, log, axis } = costScale(
      shown.map((p) => c.get(p).mean),
      pw,
    );
    g.append('g')
      .attr('class', 'gridlines')
      .call(
        axisLeft(y)
          .ticks(5)
          .tickSize(-pw)
          .tickFormat(() => ''),
      );
    g.append('g').attr('class', 'axis axis-y').call(axisLeft(y).ticks(5));
    g.append('g').attr('class', 'axis axis-x').attr('transform', `translate(0,${ih})`).call(axis);
    axisLabel(g, `${c.label}${log ? ', log scale' : ''}`, pw / 2, ih + 36);
    axisLabel(g, 'top-1 linkage probability', -44, ih / 2, true);
    for (const b of baselines) {
      if (b > y.domain()[1]) continue;
      g.append('line')
        .attr('class', 'baseline')
        .attr('x1', 0)
        .attr('x2', pw)
        .attr('y1', y(b))
        .attr('y2', y(b))
        .attr('stroke', '#777')
        .attr('stroke-width', 1.2)
        .attr('stroke-dasharray', '5 4');
    }
    if (baselines.length === 1)
      g.append('text')
        .attr('class', 'small baseline-label')
        .attr('x', 4)
        .attr('y', y(baselines[0]) - 4)
        .text(`blind guess 1/${fmt(1 / baselines[0])}`);

    const frontIdx = paretoFront(shown.map((p) => ({ x: c.get(p).mean, y: p.top1.mean })));
    const onFront = new Set(frontIdx.map((k) => shown[k]));
    frontCounts.push(onFront.size);
    const steps = paretoSteps(frontIdx.map((k) => ({ x: c.get(shown[k]).mean, y: shown[k].top1.mean })));
    if (steps.length > 0) {
      const path = `M${steps.map(([sx, sy]) => `${x(sx)},${y(sy)}`).join('L')}`;
      g.append('path')
        .attr('class', 'pareto')
        .attr('fill', 'none')
        .attr('stroke', '#333')
        .attr('stroke-width', 1.5)
        .attr('stroke-linejoin', 'round')
        .attr('d', path);
    }
    g.selectAll('path.whisker')
      .data(shown.filter((p) => Number.isFinite(p.top1.lo) && Number.isFinite(p.top1.hi) && p.top1.hi > p.top1.lo))
      .join('path')
      .attr('class', 'whisker')
      .attr('stroke', (p) => ctx.color(p.design))
      .attr('stroke-width', 1.1)
      .attr('opacity', 0.7)
      .attr('d', (p) => {
        const cx = x(c.get(p).mean);
        return `M${cx - 3},${y(p.top1.lo)}H${cx + 3}M${cx},${y(p.top1.lo)}V${y(p.top1.hi)}M${cx - 3},${y(p.top1.hi)}H${cx + 3}`;
      });
    const dots = g
      .selectAll('circle.pt')
      .data(shown)
      .join('circle')
      .attr('class', (p) => (onFront.has(p) ? 'pt front' : 'pt'))
      .attr('data-design', (p) => p.design)
      .attr('data-cell', (p) => p.cell)
      .attr('cx', (p) => x(c.get(p).mean))
      .attr('cy', (p) => y(p.top1.mean))
      .attr('r', (p) => (selected(p) ? 5.5 : 4.5))
      .attr('fill', (p) => ctx.color(p.design))
      .attr('fill-opacity', 0.9)
      .attr('stroke', (p) => (selected(p) ? '#000' : '#fff'))
      .attr('stroke-width', 1.2);
    tooltip(dots, (p) => pointText(p, onFront.has(p)));
    g.selectAll('circle.front-ring')
      .data(shown.filter((p) => onFront.has(p)))
      .join('circle')
      .attr('class', 'front-ring')
      .attr('cx', (p) => x(c.get(p).mean))
      .attr('cy', (p) => y(p.top1.mean))
      .attr('r', (p) => (selected(p) ? 9 : 8))
      .attr('fill', 'none')
      .attr('stroke', '#111')
      .attr('stroke-width', 1.3)
      .attr('pointer-events', 'none');
    const dropped = points.length - shown.length;
    if (dropped > 0)
      g.append('text')
        .attr('class', 'small')
        .attr('x', pw)
        .attr('y', -10)
        .attr('text-anchor', 'end')
        .text(`${dropped} point${dropped === 1 ? '' : 's'} without a value not shown`);
  });

  // Panel C: the anonymity trilemma.
  const g = panel(2, 'panel-trilemma', 'C. anonymity trilemma');
  const tri = points
    .filter((p) => p.rate && p.latencyMs.mean > 0 && p.rate.total > 0)
    .map((p) => ({ p, latencyS: p.latencyMs.mean / 1000, rate: p.rate!.total }));
  let triNote = '';
  if (tri.length === 0) {
    g.append('rect')
      .attr('class', 'no-rates')
      .attr('width', pw)
      .attr('height', ih)
      .attr('fill', '#fafafa')
      .attr('stroke', '#ddd');
    const why = model.rates
      ? ['No point has both a latency and a message', 'rate for this selection.']
      : [
          'The trilemma bound needs the message rates',
          '(real + cover per user per second) that',
          'anonsim run records per sweep cell since',
          'this viewer version; these results have none.',
          'Re-run the scenario to draw this panel.',
        ];
    const t = g
      .append('text')
      .attr('class', 'note')
      .attr('x', pw / 2)
      .attr('y', ih / 2 - ((why.length - 1) * 15) / 2)
      .attr('text-anchor', 'middle');
    why.forEach((line, k) => {
      t.append('tspan')
        .attr('x', pw / 2)
        .attr('dy', k === 0 ? 0 : 15)
        .text(line);
    });
    triNote = model.rates ? 'C: no rates for this selection' : 'C: no message rates recorded in these results';
  } else {
    const dom = trilemmaDomains(tri);
    const x = scaleLog().domain(dom.x).nice().range([0, pw]);
    const yr = scaleLog().domain(dom.y).nice().range([ih, 0]);
    const xd = x.domain() as [number, number];
    const yd = yr.domain() as [number, number];
    const region = boundRegion(xd, yd);
    if (region.length > 0)
      g.append('path')
        .attr('class', 'impossible')
        .attr('fill', BOUND_COLOR)
        .attr('fill-opacity', 0.12)
        .attr('stroke', 'none')
        .attr('d', `M${region.map(([a, b]) => `${x(a)},${yr(b)}`).join('L')}Z`);
    const decades = (sc: typeof x) => {
      const t = sc.ticks().filter((v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9);
      return t.length >= 2 ? t : sc.ticks(4);
    };
    g.append('g')
      .attr('class', 'gridlines')
      .call(
        axisLeft(yr)
          .tickValues(decades(yr))
          .tickSize(-pw)
          .tickFormat(() => ''),
      );
    g.append('g')
      .attr('class', 'axis axis-y')
      .call(axisLeft(yr).tickValues(decades(yr)).tickFormat(format('~g')));
    g.append('g')
      .attr('class', 'axis axis-x')
      .attr('transform', `translate(0,${ih})`)
      .call(axisBottom(x).tickValues(decades(x)).tickFormat(format('~g')));
    axisLabel(g, 'latency p50 L (s), log scale', pw / 2, ih + 36);
    axisLabel(g, 'messages per user per s, real + cover (log)', -46, ih / 2, true);
    const seg = boundSegment(xd, yd);
    if (seg) {
      g.append('line')
        .attr('class', 'bound')
        .attr('x1', x(seg[0][0]))
        .attr('y1', yr(seg[0][1]))
        .attr('x2', x(seg[1][0]))
        .attr('y2', yr(seg[1][1]))
        .attr('stroke', BOUND_COLOR)
        .attr('stroke-width', 2);
      // Label the curve at its middle (in log space), just right of it, in the possible region.
      const mx = Math.sqrt(seg[0][0] * seg[1][0]);
      const lx = x(mx) + 8;
      g.append('text')
        .attr('class', 'small bound-label')
        .attr('x', Math.min(lx, pw - 4))
        .attr('y', yr(1 / (2 * mx)))
        .attr('text-anchor', lx > pw - 70 ? 'end' : 'start')
        .style('fill', BOUND_COLOR)
        .text('r = 1/(2L)');
    }
    if (region.length > 0) {
      const lab = g
        .append('text')
        .attr('class', 'small impossible-label')
        .attr('x', 6)
        .attr('y', ih - 22);
      lab.append('tspan').attr('x', 6).text('strong anonymity impossible');
      lab.append('tspan').attr('x', 6).attr('dy', 12).text('(Das et al. 2018): 2·L·r < 1');
    }
    const size = scaleSqrt().domain([0, 1]).range([2, 9]).clamp(true);
    const dots = g
      .selectAll('circle.pt')
      .data(tri)
      .join('circle')
      .attr('class', 'pt')
      .attr('data-design', (d) => d.p.design)
      .attr('data-cell', (d) => d.p.cell)
      .attr('cx', (d) => x(d.latencyS))
      .attr('cy', (d) => yr(d.rate))
      .attr('r', (d) => size(d.p.top1.mean))
      .attr('fill', (d) => ctx.color(d.p.design))
      .attr('fill-opacity', 0.75)
      .attr('stroke', (d) => (selected(d.p) ? '#000' : '#fff'))
      .attr('stroke-width', 1);
    tooltip(dots, (d) =>
      pointText(d.p, false, [
        `messages per user per s: ${fmt(d.rate)} (real ${fmt(d.p.rate!.real)} + cover ${fmt(d.p.rate!.cover)})`,
        `2·L·r = ${fmt(2 * d.latencyS * d.rate)}: ${trilemmaMet(d.latencyS, d.rate) ? 'meets the necessary condition' : 'strong anonymity impossible'}`,
      ]),
    );
    // Size legend, top right: what the radius means.
    const sl = g
      .append('g')
      .attr('class', 'size-legend')
      .attr('transform', `translate(${pw - 118},6)`);
    sl.append('rect')
      .attr('x', -6)
      .attr('y', -6)
      .attr('width', 120)
      .attr('height', 44)
      .attr('fill', '#fff')
      .attr('fill-opacity', 0.85)
      .attr('stroke', '#ddd');
    [0.05, 0.3, 1].forEach((v, k) => {
      sl.append('circle')
        .attr('cx', 6 + k * 34)
        .attr('cy', 8)
        .attr('r', size(v))
        .attr('fill', '#999')
        .attr('fill-opacity', 0.6);
      sl.append('text')
        .attr('class', 'small')
        .attr('x', 6 + k * 34 + size(v) + 2)
        .attr('y', 11)
        .text(String(v));
    });
    const st = sl.append('text').attr('class', 'small').attr('x', 0).attr('y', 30);
    st.append('tspan').attr('x', 0).text('point size = top1');
    st.append('tspan').attr('x', 0).attr('dy', 12).text('(smaller = more private)');
    const met = tri.filter((d) => trilemmaMet(d.latencyS, d.rate)).length;
    triNote = `C: ${met} of ${tri.length} points meet 2·L·r ≥ 1`;
  }

  return (
    `${state.adversary} × ${state.attack}: ${points.length} points (design × sweep cell); ` +
    `Pareto front ${frontCounts[0] ?? 0} (latency), ${frontCounts[1] ?? 0} (bytes); ${triNote}. ` +
    'Lower is more private, further left is cheaper.'
  );
};
