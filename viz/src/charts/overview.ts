/**
 * Chart a: deanonymization overview. One panel per adversary; in each, bars per design grouped by
 * attack show the chosen metric's mean over replicates with its 95% interval (aggregate.csv
 * `<metric>_mean/_lo/_hi`), and a dashed segment marks the no-information baseline (1/users for top1).
 */
import { axisBottom, axisLeft, max, scaleBand, scaleLinear } from 'd3';
import { cellLabel, cellRows, type Render } from '../context.js';
import { chanceBaseline, METRIC_LABELS } from '../data.js';
import {
  axisLabel,
  fmt,
  frame,
  type G,
  interval,
  type LegendItem,
  legend,
  note,
  OKABE_ITO,
  shorten,
  tooltip,
} from '../ui.js';

const BASELINE_NAMES: Record<string, string> = {
  top1: 'no information: 1/users',
  top5: 'no information: 5/users',
  entropy_bits: 'no information: log2(users)',
  anonymity_set: 'no information: all users',
  pair_auc: 'chance: AUC 0.5',
};

export const renderOverview: Render = (svg, ctx) => {
  const { model, state } = ctx;
  const W = 1200;
  const rows = cellRows(ctx);
  const metric = state.metric;
  if (rows.length === 0 || !metric) {
    note(svg, W, ['No aggregate.csv rows in this results folder: nothing to compare.']);
    return 'no data';
  }
  const advs = model.adversaries.filter((a) => rows.some((r) => r.adversary === a));
  const designs = model.designs.filter((d) => rows.some((r) => r.design === d));
  const attacks = model.attacks.filter((a) => rows.some((r) => r.attack === a));
  const attackColor = (a: string) => OKABE_ITO[attacks.indexOf(a) % OKABE_ITO.length];

  const cols = Math.min(advs.length, 3);
  const nRows = Math.ceil(advs.length / cols);
  const m = { top: 44, left: 66, right: 14, bottom: 30 };
  const gapX = 34;
  const gapY = 58;
  const panelH = 220;
  const pw = (W - m.left - m.right - gapX * (cols - 1)) / cols;
  const H = m.top + nRows * panelH + (nRows - 1) * gapY + m.bottom;

  const baselines = rows.map((r) => chanceBaseline(metric, r.users)).filter((b): b is number => b !== undefined);
  const vmax = max([...rows.flatMap((r) => [r.m[metric]?.mean, r.m[metric]?.hi]), ...baselines], (v) =>
    Number.isFinite(v) ? v : undefined,
  );
  // Every metric is ≥ 0, so the axis starts at 0 and whiskers are clipped there (tooltips give the exact interval).
  const vmin = 0;
  const y = scaleLinear()
    .domain([vmin, vmax && vmax > vmin ? vmax * 1.05 : vmin + 1])
    .nice()
    .range([panelH, 0]);
  const x0 = scaleBand<string>().domain(designs).range([0, pw]).paddingInner(0.2).paddingOuter(0.1);
  const x1 = scaleBand<string>().domain(attacks).range([0, x0.bandwidth()]).padding(0.08);

  frame(svg, W, H);
  const root = svg.append('g') as unknown as G;
  const legendItems: LegendItem[] = attacks.map((a) => ({ label: `attack: ${a}`, color: attackColor(a) }));
  if (baselines.length > 0)
    legendItems.push({ label: BASELINE_NAMES[metric] ?? 'baseline', color: '#000', shape: 'dash' });
  const single = rows.every((r) => !(r.replicates > 1));
  legendItems.push({
    label: single ? 'no whisker: one replicate (no interval over replicates)' : 'whisker: 95% interval over replicates',
    color: '#222',
    shape: 'line',
  });
  legend(root, legendItems, m.left, 14, W - m.left - m.right);

  const label = METRIC_LABELS[metric] ?? metric;
  advs.forEach((adv, i) => {
    const px = m.left + (i % cols) * (pw + gapX);
    const py = m.top + Math.floor(i / cols) * (panelH + gapY);
    const g = root.append('g').attr('class', 'panel').attr('transform', `translate(${px},${py})`);
    g.append('text')
      .attr('class', 'panel-title')
      .attr('x', pw / 2)
      .attr('y', -8)
      .attr('text-anchor', 'middle')
      .text(`adversary: ${shorten(adv, 40)}`);
    g.append('g')
      .attr('class', 'gridlines')
      .call(
        axisLeft(y)
          .ticks(5)
          .tickSize(-pw)
          .tickFormat(() => ''),
      );
    g.append('g').attr('class', 'axis axis-y').call(axisLeft(y).ticks(5));
    const maxChars = Math.max(4, Math.floor(x0.bandwidth() / 6));
    g.append('g')
      .attr('class', 'axis axis-x')
      .attr('transform', `translate(0,${y(Math.max(0, vmin))})`)
      .call(axisBottom(x0).tickFormat((d) => shorten(d, maxChars)));
    if (i % cols === 0) axisLabel(g as unknown as G, label, -48, panelH / 2, true);
    const panelRows = rows.filter((r) => r.adversary === adv && Number.isFinite(r.m[metric]?.mean));
    const bars = g
      .selectAll('rect.bar')
      .data(panelRows)
      .join('rect')
      .attr('class', 'bar')
      .classed(
        'selected',
        (r) => r.design === state.design && r.adversary === state.adversary && r.attack === state.attack,
      )
      .attr('data-design', (r) => r.design)
      .attr('data-attack', (r) => r.attack)
      .attr('x', (r) => (x0(r.design) ?? 0) + (x1(r.attack) ?? 0))
      .attr('width', x1.bandwidth())
      .attr('y', (r) => Math.min(y(r.m[metric].mean), y(Math.max(0, vmin))))
      .attr('height', (r) => Math.abs(y(Math.max(0, vmin)) - y(r.m[metric].mean)))
      .attr('fill', (r) => attackColor(r.attack))
      .attr('stroke', (r) =>
        r.design === state.design && r.adversary === state.adversary && r.attack === state.attack ? '#000' : 'none',
      )
      .attr('stroke-width', 2)
      .style('cursor', 'pointer')
      .on('click', (_e, r) => ctx.select({ design: r.design, adversary: r.adversary, attack: r.attack }));
    tooltip(bars, (r) =>
      [
        `design: ${r.design}`,
        `adversary: ${r.adversary} · attack: ${r.attack}`,
        `${label}: ${interval(r.m[metric].mean, r.m[metric].lo, r.m[metric].hi)}`,
        r.m.top1 && metric !== 'top1' ? `top1: ${interval(r.m.top1.mean, r.m.top1.lo, r.m.top1.hi)}` : '',
        r.m.anonymity_set && metric !== 'anonymity_set'
          ? `anonymity set: ${interval(r.m.anonymity_set.mean, r.m.anonymity_set.lo, r.m.anonymity_set.hi)}`
          : '',
        r.m.excluded && metric !== 'excluded'
          ? `excluded (true sender ruled out): ${interval(r.m.excluded.mean, r.m.excluded.lo, r.m.excluded.hi)}`
          : '',
        `replicates: ${fmt(r.replicates)} · users: ${fmt(r.users)}`,
        'click to select this design, adversary and attack',
      ]
        .filter(Boolean)
        .join('\n'),
    );
    const wx = (r: (typeof panelRows)[number]) => (x0(r.design) ?? 0) + (x1(r.attack) ?? 0) + x1.bandwidth() / 2;
    const cap = Math.min(5, x1.bandwidth() / 3);
    g.selectAll('path.whisker')
      .data(panelRows.filter((r) => Number.isFinite(r.m[metric].lo) && Number.isFinite(r.m[metric].hi)))
      .join('path')
      .attr('class', 'whisker')
      .attr('fill', 'none')
      .attr('stroke', '#222')
      .attr('stroke-width', 1.2)
      .attr('pointer-events', 'none')
      .attr('d', (r) => {
        const cx = wx(r);
        const lo = y(Math.max(0, r.m[metric].lo));
        const hi = y(r.m[metric].hi);
        return `M${cx - cap},${lo}H${cx + cap}M${cx},${lo}V${hi}M${cx - cap},${hi}H${cx + cap}`;
      });
    // Baseline per design group (users can differ between designs).
    const byDesign = designs
      .map((d) => {
        const r = panelRows.find((p) => p.design === d);
        return { d, b: r ? chanceBaseline(metric, r.users) : undefined };
      })
      .filter((v): v is { d: string; b: number } => v.b !== undefined && Number.isFinite(v.b));
    g.selectAll('line.baseline')
      .data(byDesign)
      .join('line')
      .attr('class', 'baseline')
      .attr('x1', (v) => (x0(v.d) ?? 0) - 3)
      .attr('x2', (v) => (x0(v.d) ?? 0) + x0.bandwidth() + 3)
      .attr('y1', (v) => y(v.b))
      .attr('y2', (v) => y(v.b))
      .attr('stroke', '#000')
      .attr('stroke-width', 1.5)
      .attr('stroke-dasharray', '5 3')
      .attr('pointer-events', 'none');
  });
  return `${label} for every design × adversary × attack${cellLabel(ctx)}; the outlined bar is the current selection.`;
};
