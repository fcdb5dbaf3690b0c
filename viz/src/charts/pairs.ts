/**
 * Chart d, from pairs.csv (the top-scored candidate pairs per cell × design × adversary × attack): a
 * heat map of pair scores for a sample of senders × recipients, ordered to show structure, with true
 * pairs ringed. Chart e, from roc.csv: the ROC over all ordered user pairs per design (and replicate),
 * whose area is summary.csv's pair_auc; the legend gives both, computed independently.
 */
import {
  axisBottom,
  axisLeft,
  axisRight,
  extent,
  interpolateViridis,
  line,
  scaleBand,
  scaleLinear,
  scaleSequential,
} from 'd3';
import { cellLabel, type Render } from '../context.js';
import { heatSample } from '../data.js';
import { trapezoid } from '../detail-data.js';
import { axisLabel, fmt, frame, type G, legend, note, shorten, tooltip } from '../ui.js';

const MAX_SIDE = 30;

export const renderHeatmap: Render = (svg, ctx) => {
  const { model, state } = ctx;
  const W = 600;
  const listed = model.pairs.filter(
    (p) =>
      p.design === state.design &&
      p.adversary === state.adversary &&
      p.attack === state.attack &&
      p.cell === state.cell,
  );
  if (listed.length === 0) {
    note(svg, W, [
      model.pairs.length === 0
        ? 'No pairs.csv in this results folder.'
        : `No listed pairs for ${shorten(state.design, 24)} × ${shorten(state.adversary, 24)} × ${shorten(state.attack, 20)}.`,
    ]);
    return 'no data for this selection';
  }
  const sample = heatSample(listed, MAX_SIDE);
  const m = { top: 16, left: 62, right: 92, bottom: 58 };
  const H = 440;
  const iw = W - m.left - m.right;
  const ih = H - m.top - m.bottom;
  frame(svg, W, H);
  const root = svg.append('g') as unknown as G;
  const g = root.append('g').attr('transform', `translate(${m.left},${m.top})`);
  const x = scaleBand<string>().domain(sample.recipients).range([0, iw]).padding(0.04);
  const y = scaleBand<string>().domain(sample.senders).range([0, ih]).padding(0.04);
  const [s0, s1] = extent(sample.cells, (c) => c.score) as [number, number];
  const color = scaleSequential(interpolateViridis).domain(s0 === s1 ? [s0 - 1, s1] : [s0, s1]);
  g.append('rect').attr('class', 'unlisted').attr('width', iw).attr('height', ih).attr('fill', '#eeeeee');
  const rects = g
    .selectAll('rect.cell')
    .data(sample.cells)
    .join('rect')
    .attr('class', 'cell')
    .attr('x', (c) => x(c.recipient) ?? 0)
    .attr('y', (c) => y(c.sender) ?? 0)
    .attr('width', x.bandwidth())
    .attr('height', y.bandwidth())
    .attr('fill', (c) => color(c.score));
  tooltip(rects, (c) =>
    [
      `sender ${c.sender} → recipient ${c.recipient}`,
      `score: ${fmt(c.score, 4)}`,
      c.isTrue ? 'true pair (they communicated)' : 'not a true pair',
    ].join('\n'),
  );
  const r = Math.max(1.5, Math.min(x.bandwidth(), y.bandwidth()) * 0.3);
  const trues = sample.cells.filter((c) => c.isTrue);
  for (const [cls, stroke, width] of [
    ['true', '#000', 2.6],
    ['true-inner', '#fff', 1.1],
  ] as const) {
    g.selectAll(`circle.${cls}`)
      .data(trues)
      .join('circle')
      .attr('class', cls)
      .attr('cx', (c) => (x(c.recipient) ?? 0) + x.bandwidth() / 2)
      .attr('cy', (c) => (y(c.sender) ?? 0) + y.bandwidth() / 2)
      .attr('r', r)
      .attr('fill', 'none')
      .attr('stroke', stroke)
      .attr('stroke-width', width)
      .attr('pointer-events', 'none');
  }
  const tick = (n: number) => (n > 20 ? 7.5 : 9.5);
  g.append('g')
    .attr('class', 'axis axis-y')
    .call(axisLeft(y).tickFormat((d) => shorten(d, 8)))
    .selectAll('text')
    .style('font-size', `${tick(sample.senders.length)}px`);
  g.append('g')
    .attr('class', 'axis axis-x')
    .attr('transform', `translate(0,${ih})`)
    .call(axisBottom(x).tickFormat((d) => shorten(d, 8)))
    .selectAll('text')
    .style('font-size', `${tick(sample.recipients.length)}px`)
    .attr('text-anchor', 'end')
    .attr('transform', 'rotate(-50)')
    .attr('dx', '-0.5em')
    .attr('dy', '0.3em');
  axisLabel(g as unknown as G, 'recipient (user id)', iw / 2, ih + 50);
  axisLabel(g as unknown as G, 'sender (user id)', -48, ih / 2, true);

  // Colour bar.
  const defs = svg.append('defs');
  const grad = defs
    .append('linearGradient')
    .attr('id', 'heatmap-gradient')
    .attr('x1', 0)
    .attr('x2', 0)
    .attr('y1', 1)
    .attr('y2', 0);
  for (let i = 0; i <= 10; i++)
    grad
      .append('stop')
      .attr('offset', `${i * 10}%`)
      .attr('stop-color', interpolateViridis(i / 10));
  const cb = root.append('g').attr('transform', `translate(${W - m.right + 14},${m.top})`);
  const cbH = ih * 0.6;
  cb.append('rect').attr('width', 12).attr('height', cbH).attr('fill', 'url(#heatmap-gradient)');
  const cs = scaleLinear().domain(color.domain()).range([cbH, 0]);
  cb.append('g').attr('class', 'axis').attr('transform', 'translate(12,0)').call(axisRight(cs).ticks(5));
  cb.append('text').attr('class', 'small').attr('x', 0).attr('y', -4).text('score');
  const lg = root.append('g');
  legend(
    lg as unknown as G,
    [
      { label: 'true pair', color: '#000', shape: 'ring' },
      { label: 'not listed', color: '#eeeeee' },
    ],
    W - m.right + 4,
    m.top + cbH + 24,
    80,
  );
  const shown = `${sample.senders.length} senders × ${sample.recipients.length} recipients`;
  return `${state.design} × ${state.adversary} × ${state.attack}${cellLabel(ctx)}: ${sample.cells.length} of ${listed.length} listed pairs (${shown}), ${trues.length} true.`;
};

export const renderRoc: Render = (svg, ctx) => {
  const { model, state } = ctx;
  const W = 600;
  const curves = model.detail.roc.filter(
    (c) => c.adversary === state.adversary && c.attack === state.attack && c.cell === state.cell,
  );
  if (curves.length === 0) {
    note(svg, W, [
      model.detail.roc.length === 0
        ? 'No roc.csv in this results folder (written by an older anonsim): re-run the scenario.'
        : `No ROC for ${shorten(state.adversary, 30)} × ${shorten(state.attack, 30)}${cellLabel(ctx)}.`,
    ]);
    return 'no data for this selection';
  }
  const designs = model.designs.filter((d) => curves.some((c) => c.design === d));
  // pair_auc of each replicate, to set beside the area of the curve drawn for it.
  const auc = new Map<string, number>();
  for (const r of model.summary)
    if (r.adversary === state.adversary && r.attack === state.attack && r.cell === state.cell)
      auc.set(`${r.design}\u0000${r.replicate}`, r.v.pair_auc);
  const drawn = curves.map((c) => ({
    ...c,
    area: trapezoid(c.fpr, c.tpr),
    pairAuc: auc.get(`${c.design}\u0000${c.replicate}`) ?? Number.NaN,
  }));
  const m = { top: 16, left: 54, right: 16, bottom: 44 };
  const legendH = designs.length * 17 + 8;
  const H = 330 + legendH;
  const iw = W - m.left - m.right;
  const ih = H - m.top - m.bottom - legendH;
  frame(svg, W, H);
  const root = svg.append('g') as unknown as G;
  const g = root.append('g').attr('transform', `translate(${m.left},${m.top})`);
  const x = scaleLinear().domain([0, 1]).range([0, iw]);
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
  g.append('g').attr('class', 'axis axis-x').attr('transform', `translate(0,${ih})`).call(axisBottom(x).ticks(5));
  axisLabel(g as unknown as G, 'false-positive rate (over all ordered user pairs)', iw / 2, ih + 36);
  axisLabel(g as unknown as G, 'true-positive rate', -40, ih / 2, true);
  g.append('line')
    .attr('class', 'diagonal')
    .attr('x1', 0)
    .attr('y1', ih)
    .attr('x2', iw)
    .attr('y2', 0)
    .attr('stroke', '#999')
    .attr('stroke-dasharray', '4 3');
  const paths = g
    .selectAll('path.roc')
    .data(drawn)
    .join('path')
    .attr('class', 'roc')
    .attr('data-design', (c) => c.design)
    .attr('data-replicate', (c) => c.replicate)
    .attr('data-area', (c) => c.area)
    .attr('fill', 'none')
    .attr('stroke', (c) => ctx.color(c.design))
    .attr('stroke-opacity', (c) => (c.replicate === 0 ? 1 : 0.45))
    .attr('stroke-width', (c) => (c.design === state.design ? 3 : 2))
    .attr('d', (c) => line()(c.fpr.map((f, k): [number, number] => [x(f), y(c.tpr[k])])));
  tooltip(paths, (c) =>
    [
      `design: ${c.design} · replicate ${c.replicate}`,
      `area under this curve: ${fmt(c.area, 5)}`,
      `pair_auc (summary.csv): ${fmt(c.pairAuc, 5)}`,
      `${c.fpr.length} points (roc.csv)`,
    ].join('\n'),
  );
  designs.forEach((d, i) => {
    const mine = drawn.filter((c) => c.design === d);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const reps = mine.length > 1 ? ` (mean of ${mine.length} replicates)` : '';
    const label = `${shorten(d, 22)}: area ${fmt(mean(mine.map((c) => c.area)), 4)} = pair_auc ${fmt(mean(mine.map((c) => c.pairAuc)), 4)}${reps}`;
    legend(root, [{ label, color: ctx.color(d), shape: 'line' }], m.left, H - legendH + 4 + i * 17, iw);
  });
  return `${state.adversary} × ${state.attack}${cellLabel(ctx)}: ROC over all ordered user pairs (roc.csv); each curve's area is summary.csv's pair_auc.`;
};
