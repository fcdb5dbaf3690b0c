/**
 * Chart g: the price of privacy across a sweep, for the chosen adversary × attack. One point per
 * design × sweep cell (colour = design) in three panels:
 *   A. top1 (95% interval) against latency p50, with the Pareto front of (latency, top1) over all
 *      points (black, ringed) and each design's own front (thin, in the design's colour);
 *   B. the same against bytes per message;
 *   C. the anonymity trilemma (Das et al., IEEE S&P 2018): messages per user per second (real +
 *      cover) against latency p50 in seconds, point size = top1, with the bound r = 1/(2L) and the
 *      region below it, where strong anonymity is impossible, shaded.
 * Panel C needs the per-cell message rates a run records (`rates`); without them it says so.
 * A radio pair in the chart's head switches the x of A and B between absolute values and the cost
 * added on top of each design's baseline cell (tradeoff-data.ts designBaselines); the choice is
 * kept on the svg (`data-cost-mode`), so it survives every redraw.
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
  scaleSymlog,
  select,
} from 'd3';
import type { Render } from '../context.js';
import {
  addedAxis,
  addedCosts,
  boundRegion,
  boundSegment,
  frontsByDesign,
  paretoFront,
  paretoSteps,
  spansDecade,
  type TradeoffPoint,
  tradeoffPoints,
  trilemmaDomains,
  trilemmaMet,
} from '../tradeoff-data.js';
import { axisLabel, fmt, frame, type G, interval, legend, note, type Svg, shorten, tooltip } from '../ui.js';

const BOUND_COLOR = '#D55E00';

type CostMode = 'absolute' | 'added';

const MODE_OPTIONS: { mode: CostMode; text: string; title: string }[] = [
  { mode: 'absolute', text: 'absolute', title: 'x of A and B: measured latency p50 and bytes per message' },
  {
    mode: 'added',
    text: 'added vs. baseline',
    title:
      "x of A and B: latency and bytes added on top of each design's baseline cell (the cell with every swept countermeasure off, else its cheapest cell)",
  },
];

/** The x mode of panels A and B, kept on the svg element so it survives redraws. */
function costMode(svg: Svg): CostMode {
  return svg.attr('data-cost-mode') === 'added' ? 'added' : 'absolute';
}

/**
 * The absolute / added radio pair in the chart's head (next to the export buttons, so it is hidden
 * in print and not part of the exported figure, whose axis labels say which mode is drawn). Built
 * once, then only its checked state follows the svg. Changing it redraws through ctx.select.
 */
function modeControl(svg: Svg, mode: CostMode, redraw: () => void): void {
  const node = svg.node();
  const head = node?.closest('section.chart')?.querySelector('.chart-head .buttons');
  if (!head) return;
  let group = select(head).select<HTMLSpanElement>('span.cost-mode');
  if (group.empty()) {
    group = select(head)
      .insert('span', ':first-child')
      .attr('class', 'cost-mode')
      .attr('role', 'radiogroup')
      .attr('aria-label', 'x axis of panels A and B')
      .style('display', 'inline-flex')
      .style('align-items', 'center')
      .style('gap', '6px')
      .style('margin-right', '8px')
      .style('font-size', '11.5px')
      .style('white-space', 'nowrap');
    group.append('span').style('color', '#555').text('x of A, B:');
    for (const o of MODE_OPTIONS) {
      const lab = group
        .append('label')
        .attr('title', o.title)
        .style('display', 'inline-flex')
        .style('align-items', 'center')
        .style('gap', '2px')
        .style('cursor', 'pointer');
      lab
        .append('input')
        .attr('type', 'radio')
        .attr('name', 'tradeoff-cost-mode')
        .attr('value', o.mode)
        .style('margin', '0')
        .on('change', (ev: Event) => {
          const v = (ev.target as HTMLInputElement).value === 'added' ? 'added' : 'absolute';
          svg.attr('data-cost-mode', v);
          redraw();
        });
      lab.append('span').text(o.text);
    }
  }
  group.selectAll<HTMLInputElement, unknown>('input').property('checked', function () {
    return this.value === mode;
  });
}

/** Axis tick labels: SI prefixes from 1000 up (1k, 10k), plain numbers below (no "300m"). */
function tickText(v: NumberValue): string {
  const n = Number(v);
  return Math.abs(n) >= 1000 ? format('~s')(n) : format('~g')(n);
}

function signed(v: number): string {
  return v > 0 ? `+${fmt(v)}` : fmt(v);
}

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

export const renderTradeoff: Render = (svg, ctx) => {
  const { model, state } = ctx;
  const W = 1200;
  const mode = costMode(svg);
  modeControl(svg, mode, () => ctx.select({}));
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
  svg.attr('data-cost-mode', mode);
  const root = svg.append('g') as unknown as G;
  const designs = model.designs.filter((d) => points.some((p) => p.design === d));
  const legendH = legend(
    root,
    [
      ...designs.map((d) => ({ label: shorten(d, 22), color: ctx.color(d), shape: 'circle' })),
      { label: 'Pareto front of all points (A, B)', color: '#333', shape: 'line' },
      { label: 'on the overall front', color: '#111', shape: 'ring' },
      { label: "each design's own front (thin, its colour)", color: '#999', shape: 'line' },
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
  const designFrontCounts: Map<string, number>[] = [];

  const panel = (i: number, cls: string, title: string) => {
    const g = root
      .append('g')
      .attr('class', `panel ${cls}`)
      .attr('transform', `translate(${m.left + i * (pw + gap)},${top})`) as unknown as G;
    g.append('text').attr('class', 'panel-title').attr('x', 0).attr('y', -10).text(title);
    return g;
  };

  // Panels A and B: top1 against a cost (absolute, or added on top of each design's baseline cell),
  // with the Pareto front of all points and each design's own front, both on the values plotted.
  const costs = [
    {
      cls: 'panel-latency',
      title: 'A. top1 vs latency',
      label: 'latency p50 (ms)',
      addedLabel: 'added latency p50 vs. baseline (ms)',
      name: 'latency p50',
      unit: 'ms',
      get: (p: TradeoffPoint) => p.latencyMs,
    },
    {
      cls: 'panel-bytes',
      title: 'B. top1 vs bandwidth',
      label: 'bytes per message (B)',
      addedLabel: 'added bytes per message vs. baseline (B)',
      name: 'bytes per message',
      unit: 'B',
      get: (p: TradeoffPoint) => p.bytes,
    },
  ];
  const index = new Map(points.map((p, k) => [p, k]));
  const added = costs.map((c) => addedCosts(points, (p) => c.get(p).mean));
  const allDeployed = added.every((a) => [...a.baselines.values()].every((b) => b.kind === 'deployed'));
  /** Tooltip lines: the added costs and the baseline cell(s) they are relative to. */
  const addedText = (p: TradeoffPoint): string[] => {
    const k = index.get(p)!;
    const lines = costs.map((c, j) => {
      const a = added[j].added[k];
      return `added ${c.name} (${c.unit}): ${Number.isFinite(a) ? signed(a) : 'n/a'}`;
    });
    const bases = added.map((a) => a.baselines.get(p.design));
    const same = bases[0] && bases[1] && bases[0].index === bases[1].index;
    bases.forEach((b, j) => {
      if (!b || (same && j === 1)) return;
      const what = same ? 'baseline' : `${costs[j].name} baseline`;
      const kind = b.kind === 'deployed' ? 'swept countermeasures off' : "the design's cheapest cell";
      lines.push(b.index === k ? `${what}: this cell (${kind})` : `${what} (${kind}): ${points[b.index].cellLabel}`);
    });
    return lines;
  };
  const pointText = (p: TradeoffPoint, onFront: string[] = [], extra: string[] = []): string =>
    [
      `design: ${p.design}`,
      `cell: ${p.cellLabel}`,
      `top1: ${interval(p.top1.mean, p.top1.lo, p.top1.hi)}`,
      `latency p50 (ms): ${interval(p.latencyMs.mean, p.latencyMs.lo, p.latencyMs.hi)}`,
      `bytes per message: ${interval(p.bytes.mean, p.bytes.lo, p.bytes.hi)}`,
      ...addedText(p),
      ...extra,
      ...onFront,
    ].join('\n');

  costs.forEach((c, i) => {
    const g = panel(i, c.cls, c.title);
    const xv = (p: TradeoffPoint) => (mode === 'added' ? added[i].added[index.get(p)!] : c.get(p).mean);
    const shown = points.filter((p) => Number.isFinite(xv(p)));
    const values = shown.map(xv);
    let x: ScaleContinuousNumeric<number, number>;
    let axis: Axis<NumberValue>;
    let label: string;
    if (mode === 'added') {
      const ax = addedAxis(values, pw);
      if (ax.kind === 'symlog') {
        x = scaleSymlog().constant(ax.constant).domain(ax.domain).range([0, pw]);
        axis = axisBottom(x).tickValues(ax.ticks).tickFormat(tickText);
      } else {
        x = scaleLinear().domain(ax.domain).range([0, pw]);
        axis = axisBottom(x).ticks(4).tickFormat(tickText);
      }
      label = `${c.addedLabel}${ax.kind === 'symlog' ? ', symlog scale' : ''}`;
    } else {
      // A log axis only when every value is positive (spansDecade), so no point is ever dropped for it.
      const sc = costScale(values, pw);
      x = sc.x;
      axis = sc.axis;
      label = `${c.label}${sc.log ? ', log scale' : ''}`;
    }
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
    axisLabel(g, label, pw / 2, ih + 36);
    axisLabel(g, 'top-1 linkage probability', -44, ih / 2, true);
    if (mode === 'added') {
      // The baselines all sit on x = 0.
      g.append('line')
        .attr('class', 'zero-mark')
        .attr('x1', x(0))
        .attr('x2', x(0))
        .attr('y1', 0)
        .attr('y2', ih)
        .attr('stroke', '#444')
        .attr('stroke-width', 1)
        .attr('stroke-dasharray', '2 3');
      g.append('text')
        .attr('class', 'small zero-label')
        .attr('x', x(0) + 4)
        .attr('y', 10)
        .text(allDeployed ? '0 = deployed (countermeasures off)' : "0 = each design's baseline cell");
    }
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

    const xy = (p: TradeoffPoint) => ({ x: xv(p), y: p.top1.mean });
    const stepPath = (steps: [number, number][]) => `M${steps.map(([sx, sy]) => `${x(sx)},${y(sy)}`).join('L')}`;
    // Each design's own front, thin in its colour, under the overall one.
    const own = frontsByDesign(shown, xy);
    const onOwn = new Set([...own.values()].flat().map((k) => shown[k]));
    designFrontCounts.push(new Map([...own].map(([d, idx]) => [d, idx.length])));
    g.selectAll('path.pareto-design')
      .data([...own])
      .join('path')
      .attr('class', 'pareto-design')
      .attr('data-design', ([d]) => d)
      .attr('data-front-size', ([, idx]) => idx.length)
      .attr('fill', 'none')
      .attr('stroke', ([d]) => ctx.color(d))
      .attr('stroke-width', 1.2)
      .attr('stroke-opacity', 0.9)
      .attr('stroke-linejoin', 'round')
      .attr('d', ([, idx]) => stepPath(paretoSteps(idx.map((k) => xy(shown[k])))));
    const frontIdx = paretoFront(shown.map(xy));
    const onFront = new Set(frontIdx.map((k) => shown[k]));
    frontCounts.push(onFront.size);
    const steps = paretoSteps(frontIdx.map((k) => xy(shown[k])));
    if (steps.length > 0)
      g.append('path')
        .attr('class', 'pareto')
        .attr('fill', 'none')
        .attr('stroke', '#333')
        .attr('stroke-width', 1.5)
        .attr('stroke-linejoin', 'round')
        .attr('d', stepPath(steps));
    g.selectAll('path.whisker')
      .data(shown.filter((p) => Number.isFinite(p.top1.lo) && Number.isFinite(p.top1.hi) && p.top1.hi > p.top1.lo))
      .join('path')
      .attr('class', 'whisker')
      .attr('stroke', (p) => ctx.color(p.design))
      .attr('stroke-width', 1.1)
      .attr('opacity', 0.7)
      .attr('d', (p) => {
        const cx = x(xv(p));
        return `M${cx - 3},${y(p.top1.lo)}H${cx + 3}M${cx},${y(p.top1.lo)}V${y(p.top1.hi)}M${cx - 3},${y(p.top1.hi)}H${cx + 3}`;
      });
    const dots = g
      .selectAll('circle.pt')
      .data(shown)
      .join('circle')
      .attr('class', (p) => `pt${onFront.has(p) ? ' front' : ''}${onOwn.has(p) ? ' design-front' : ''}`)
      .attr('data-design', (p) => p.design)
      .attr('data-cell', (p) => p.cell)
      .attr('data-x', (p) => xv(p))
      .attr('cx', (p) => x(xv(p)))
      .attr('cy', (p) => y(p.top1.mean))
      .attr('r', (p) => (selected(p) ? 5.5 : 4.5))
      .attr('fill', (p) => ctx.color(p.design))
      .attr('fill-opacity', 0.9)
      .attr('stroke', (p) => (selected(p) ? '#000' : '#fff'))
      .attr('stroke-width', 1.2);
    tooltip(dots, (p) =>
      pointText(p, [
        ...(onFront.has(p) ? ['on the Pareto front of this panel (all designs)'] : []),
        ...(onOwn.has(p) ? [`on ${p.design}'s own front in this panel`] : []),
      ]),
    );
    g.selectAll('circle.front-ring')
      .data(shown.filter((p) => onFront.has(p)))
      .join('circle')
      .attr('class', 'front-ring')
      .attr('cx', (p) => x(xv(p)))
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
      pointText(
        d.p,
        [],
        [
          `messages per user per s: ${fmt(d.rate)} (real ${fmt(d.p.rate!.real)} + cover ${fmt(d.p.rate!.cover)})`,
          `2·L·r = ${fmt(2 * d.latencyS * d.rate)}: ${trilemmaMet(d.latencyS, d.rate) ? 'meets the necessary condition' : 'strong anonymity impossible'}`,
        ],
      ),
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

  const own = designs
    .map((d) => `${shorten(d, 22)} ${designFrontCounts[0]?.get(d) ?? 0}/${designFrontCounts[1]?.get(d) ?? 0}`)
    .join(', ');
  return (
    `${state.adversary} × ${state.attack}: ${points.length} points (design × sweep cell); ` +
    `x of A, B: ${mode === 'added' ? "added on top of each design's baseline cell" : 'absolute'}; ` +
    `Pareto front ${frontCounts[0] ?? 0} (latency), ${frontCounts[1] ?? 0} (bytes); ` +
    `own fronts (latency/bytes): ${own}; ${triNote}. ` +
    'Lower is more private, further left is cheaper.'
  );
};
