/**
 * The comparison view: for one compared pair (design items of one run, or one design in two runs
 * from `anonsim compare`), a forest plot of the difference b − a of the chosen metric per sweep
 * cell × adversary × attack: dot = mean difference, whiskers = its 95 % interval (paired by seed
 * where the rows say so), dashed line = no difference. Rows whose interval excludes 0 are drawn
 * solid; the others hollow.
 */
import { axisBottom, max, min, scaleLinear } from 'd3';
import { type Comparison, pairRows } from '../compare-data.js';
import type { Render } from '../context.js';
import { METRIC_LABELS } from '../data.js';
import { axisLabel, frame, type G, note, shorten, tooltip } from '../ui.js';

const fmt = (x: number) => (Number.isFinite(x) ? String(Number(x.toPrecision(3))) : '-');

export function renderCompare(comparison: Comparison, pairIndex: () => number): Render {
  return (svg, ctx) => {
    const W = 900;
    const { state } = ctx;
    const pair = comparison.pairs[pairIndex()] ?? comparison.pairs[0];
    const rows = pairRows(comparison, pairIndex(), state.metric);
    if (!pair || rows.length === 0) {
      note(svg, W, ['No comparison rows for this pair and metric.']);
      return 'no data for this selection';
    }
    const metric = rows[0].metric;
    const label = (r: (typeof rows)[number]) => [r.cell, r.adversary, r.attack].filter((s) => s !== '').join(' · ');
    const rowH = 26;
    const m = { top: 34, left: 300, right: 210, bottom: 44 };
    const ih = rows.length * rowH;
    const H = m.top + ih + m.bottom;
    const iw = W - m.left - m.right;
    frame(svg, W, H);
    const root = svg.append('g') as unknown as G;
    const g = root.append('g').attr('transform', `translate(${m.left},${m.top})`);
    const lo = min(rows, (r) => (Number.isFinite(r.lo) ? r.lo : r.mean)) ?? 0;
    const hi = max(rows, (r) => (Number.isFinite(r.hi) ? r.hi : r.mean)) ?? 0;
    const pad = (hi - lo) * 0.08 || Math.max(Math.abs(hi), 1e-3);
    const x = scaleLinear()
      .domain([Math.min(0, lo) - pad, Math.max(0, hi) + pad])
      .nice()
      .range([0, iw]);
    g.append('g').attr('class', 'axis axis-x').attr('transform', `translate(0,${ih})`).call(axisBottom(x).ticks(6));
    axisLabel(g as unknown as G, `${METRIC_LABELS[metric] ?? metric}: b − a`, iw / 2, ih + 36);
    g.append('line')
      .attr('class', 'zero')
      .attr('x1', x(0))
      .attr('x2', x(0))
      .attr('y1', 0)
      .attr('y2', ih)
      .attr('stroke', '#555')
      .attr('stroke-dasharray', '4 3');
    root
      .append('text')
      .attr('x', 8)
      .attr('y', 18)
      .attr('style', 'font-size:12px;font-weight:600')
      .text(shorten(pair.label, 80));
    root
      .append('text')
      .attr('x', W - m.right + 8)
      .attr('y', 18)
      .attr('style', 'font-size:11px')
      .text('a  →  b  (n)');
    const color = ctx.color(pair.b);
    rows.forEach((r, i) => {
      const y = i * rowH + rowH / 2;
      const row = g
        .append('g')
        .attr('class', 'cmp-row')
        .attr('data-attack', r.attack)
        .attr('data-adversary', r.adversary);
      const chosen = r.adversary === state.adversary && r.attack === state.attack;
      row
        .append('text')
        .attr('x', -10)
        .attr('y', y + 4)
        .attr('text-anchor', 'end')
        .attr('style', `font-size:11px${chosen ? ';font-weight:600' : ''}`)
        .text(shorten(label(r), 48));
      if (Number.isFinite(r.lo) && Number.isFinite(r.hi))
        row
          .append('line')
          .attr('class', 'whisker')
          .attr('x1', x(r.lo))
          .attr('x2', x(r.hi))
          .attr('y1', y)
          .attr('y2', y)
          .attr('stroke', color)
          .attr('stroke-width', 2);
      const excludesZero = Number.isFinite(r.lo) && (r.lo > 0 || r.hi < 0);
      const dot = row
        .append('circle')
        .attr('class', 'pt')
        .attr('cx', Number.isFinite(r.mean) ? x(r.mean) : x(0))
        .attr('cy', y)
        .attr('r', 5)
        .attr('fill', excludesZero ? color : '#fff')
        .attr('stroke', color)
        .attr('stroke-width', 2);
      tooltip(dot, () =>
        [
          pair.label,
          label(r),
          `${metric}: a ${fmt(r.aMean)} → b ${fmt(r.bMean)}`,
          `b − a = ${fmt(r.mean)}, 95% interval [${fmt(r.lo)}, ${fmt(r.hi)}]`,
          r.paired ? `paired over ${r.nA} replicates (same seeds)` : `unpaired (Welch), ${r.nA} vs ${r.nB} replicates`,
        ].join('\n'),
      );
      row
        .append('text')
        .attr('x', iw + 8)
        .attr('y', y + 4)
        .attr('style', 'font-size:11px')
        .text(`${fmt(r.aMean)} → ${fmt(r.bMean)}  (${r.paired ? r.nA : `${r.nA}/${r.nB}`})`);
    });
    const paired = rows.every((r) => r.paired);
    return `${pair.label}; ${metric}; ${paired ? 'paired by seed (per-replicate differences)' : 'not all rows paired (Welch where not)'}; filled = interval excludes 0.`;
  };
}
