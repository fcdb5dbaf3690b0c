/**
 * Chart g: the anonymity trilemma's trade-off: top1 (with its 95% interval) against latency p50 and
 * against bytes per message, one point per design, for the chosen adversary × attack and sweep cell.
 */
import { axisBottom, axisLeft, max, scaleLinear } from 'd3';
import { cellLabel, cellRows, type Render } from '../context.js';
import { axisLabel, frame, type G, interval, legend, note, shorten, tooltip } from '../ui.js';

export const renderTradeoff: Render = (svg, ctx) => {
  const { model, state } = ctx;
  const W = 600;
  const rows = cellRows(ctx).filter(
    (r) => r.adversary === state.adversary && r.attack === state.attack && Number.isFinite(r.m.top1?.mean),
  );
  if (rows.length === 0) {
    note(svg, W, [`No aggregate rows for ${shorten(state.adversary, 30)} × ${shorten(state.attack, 30)}.`]);
    return 'no data for this selection';
  }
  const H = 340;
  const m = { top: 44, left: 56, right: 14, bottom: 46 };
  const gap = 40;
  const pw = (W - m.left - m.right - gap) / 2;
  const ih = H - m.top - m.bottom;
  frame(svg, W, H);
  const root = svg.append('g') as unknown as G;
  const designs = model.designs.filter((d) => rows.some((r) => r.design === d));
  legend(
    root,
    designs.map((d) => ({ label: shorten(d, 22), color: ctx.color(d), shape: 'circle' })),
    m.left,
    14,
    W - m.left - m.right,
  );
  const yMax = max(rows, (r) => (Number.isFinite(r.m.top1.hi) ? r.m.top1.hi : r.m.top1.mean)) ?? 1;
  const y = scaleLinear()
    .domain([0, yMax > 0 ? yMax * 1.08 : 1])
    .nice()
    .range([ih, 0]);
  const panels = [
    { key: 'latency_p50_ms', label: 'latency p50 (ms)' },
    { key: 'bytes_per_message', label: 'bytes per message (B)' },
  ];
  panels.forEach((p, i) => {
    const g = root
      .append('g')
      .attr('class', 'panel')
      .attr('transform', `translate(${m.left + i * (pw + gap)},${m.top})`);
    const pts = rows.filter((r) => Number.isFinite(r.m[p.key]?.mean));
    const xMax = max(pts, (r) => r.m[p.key].mean) ?? 1;
    const x = scaleLinear()
      .domain([0, xMax > 0 ? xMax * 1.1 : 1])
      .nice()
      .range([0, pw]);
    g.append('g')
      .attr('class', 'gridlines')
      .call(
        axisLeft(y)
          .ticks(5)
          .tickSize(-pw)
          .tickFormat(() => ''),
      );
    g.append('g').attr('class', 'axis axis-y').call(axisLeft(y).ticks(5));
    g.append('g')
      .attr('class', 'axis axis-x')
      .attr('transform', `translate(0,${ih})`)
      .call(axisBottom(x).ticks(4, xMax >= 1e4 ? '~s' : undefined));
    axisLabel(g as unknown as G, p.label, pw / 2, ih + 36);
    if (i === 0) axisLabel(g as unknown as G, 'top-1 linkage probability', -42, ih / 2, true);
    g.selectAll('path.whisker')
      .data(pts.filter((r) => Number.isFinite(r.m.top1.lo) && Number.isFinite(r.m.top1.hi)))
      .join('path')
      .attr('class', 'whisker')
      .attr('stroke', (r) => ctx.color(r.design))
      .attr('stroke-width', 1.4)
      .attr('d', (r) => {
        const cx = x(r.m[p.key].mean);
        return `M${cx - 4},${y(r.m.top1.lo)}H${cx + 4}M${cx},${y(r.m.top1.lo)}V${y(r.m.top1.hi)}M${cx - 4},${y(r.m.top1.hi)}H${cx + 4}`;
      });
    const dots = g
      .selectAll('circle.pt')
      .data(pts)
      .join('circle')
      .attr('class', 'pt')
      .attr('data-design', (r) => r.design)
      .attr('cx', (r) => x(r.m[p.key].mean))
      .attr('cy', (r) => y(r.m.top1.mean))
      .attr('r', (r) => (r.design === state.design ? 6.5 : 5))
      .attr('fill', (r) => ctx.color(r.design))
      .attr('stroke', (r) => (r.design === state.design ? '#000' : '#fff'))
      .attr('stroke-width', 1.5);
    tooltip(dots, (r) =>
      [
        `design: ${r.design}`,
        `top1: ${interval(r.m.top1.mean, r.m.top1.lo, r.m.top1.hi)}`,
        `${p.label}: ${interval(r.m[p.key].mean, r.m[p.key].lo, r.m[p.key].hi)}`,
      ].join('\n'),
    );
    g.selectAll('text.pt-label')
      .data(pts)
      .join('text')
      .attr('class', 'pt-label small')
      .attr('x', (r) => x(r.m[p.key].mean) + (x(r.m[p.key].mean) > pw * 0.7 ? -8 : 8))
      .attr('y', (r) => y(r.m.top1.mean) - 6)
      .attr('text-anchor', (r) => (x(r.m[p.key].mean) > pw * 0.7 ? 'end' : 'start'))
      .text((r) => shorten(r.design, 14));
  });
  return `${state.adversary} × ${state.attack}${cellLabel(ctx)}: lower is more private, further left is cheaper.`;
};
