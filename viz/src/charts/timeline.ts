/**
 * Chart h: one message's journey. Every party is a swimlane; every hop is an arrow from its send
 * time on the sender's lane to its arrival time on the receiver's lane. Hops the chosen adversary
 * observes are drawn thick in vermillion; lanes of parties it holds are shaded; what the receiving
 * party saw is in the tooltip and in the table under the chart.
 */
import { axisBottom, max, min, scaleLinear, select } from 'd3';
import type { Render } from '../context.js';
import type { Hop, TimelineData } from '../data.js';
import { placeTexts } from '../layout.js';
import { axisLabel, fmt, frame, type G, legend, note, shorten, tooltip } from '../ui.js';

const SEEN = '#D55E00';
const UNSEEN = '#0072B2';

interface Lane {
  name: string;
  role: string;
  held: boolean;
}

/** Parties the adversary holds: exact when the exporter gives per-end holders, else inferred. */
function lanesOf(t: TimelineData, adversary: string): { lanes: Lane[]; seesAll: boolean } {
  const lanes: Lane[] = [];
  const index = new Map<string, number>();
  const add = (name: string, role: string) => {
    if (!index.has(name)) {
      index.set(name, lanes.length);
      lanes.push({ name, role, held: false });
    }
  };
  for (const h of t.hops) {
    add(h.from, h.fromRole);
    add(h.to, h.toRole);
  }
  // A global passive observer watches links, not parties (its name says so: `global-passive`).
  const seesAll = /global/i.test(adversary) && t.hops.length > 0 && t.hops.every((h) => h.heldBy.includes(adversary));
  const exact = t.hops.some((h) => h.fromHeldBy !== undefined || h.toHeldBy !== undefined);
  for (const lane of lanes) {
    const touching = t.hops.filter((h) => h.from === lane.name || h.to === lane.name);
    if (exact) {
      lane.held = touching.some(
        (h) =>
          (h.from === lane.name && h.fromHeldBy?.includes(adversary)) ||
          (h.to === lane.name && h.toHeldBy?.includes(adversary)),
      );
    } else {
      // Inferred: an infrastructure party is held when every hop touching it is observed; a global
      // observer holds no party. (Exact when hops carry fromHeldBy/toHeldBy.)
      lane.held =
        !seesAll && lane.role !== 'user' && touching.length > 0 && touching.every((h) => h.heldBy.includes(adversary));
    }
  }
  return { lanes, seesAll };
}

export const renderTimeline: Render = (svg, ctx) => {
  const { model, state } = ctx;
  const W = 1200;
  const section = svg.node()?.closest('section');
  const table = section ? select(section).select<HTMLTableElement>('table.hop-table') : null;
  const t = model.timelines[state.message];
  if (!t || t.hops.length === 0) {
    note(svg, W, [
      model.timelines.length === 0
        ? 'No message timelines were recorded in this results folder.'
        : 'This message has no recorded hops.',
    ]);
    table?.selectAll('*').remove();
    return 'no data';
  }
  const adv = state.adversary;
  const { lanes, seesAll } = lanesOf(t, adv);
  const laneIndex = new Map(lanes.map((l, i) => [l.name, i]));
  const laneH = 30;
  const m = { top: 40, left: 190, right: 30, bottom: 48 };
  const H = m.top + lanes.length * laneH + m.bottom;
  const iw = W - m.left - m.right;
  const t0 = min(t.hops, (h) => h.tTxMs) ?? 0;
  const t1 = max(t.hops, (h) => h.tRxMs) ?? t0 + 1;
  const x = scaleLinear()
    .domain([0, t1 > t0 ? t1 - t0 : 1])
    .range([0, iw])
    .nice();
  const yOf = (name: string) => (laneIndex.get(name) ?? 0) * laneH + laneH / 2;

  frame(svg, W, H);
  const defs = svg.append('defs');
  for (const [id, color] of [
    ['tl-arrow-seen', SEEN],
    ['tl-arrow-unseen', UNSEEN],
  ]) {
    defs
      .append('marker')
      .attr('id', id)
      .attr('viewBox', '0 0 10 10')
      .attr('refX', 9)
      .attr('refY', 5)
      .attr('markerUnits', 'userSpaceOnUse')
      .attr('markerWidth', 10)
      .attr('markerHeight', 10)
      .attr('orient', 'auto-start-reverse')
      .append('path')
      .attr('d', 'M0,0L10,5L0,10z')
      .attr('fill', color);
  }
  const root = svg.append('g') as unknown as G;
  legend(
    root,
    [
      { label: `observed by ${shorten(adv, 30)}`, color: SEEN, shape: 'line' },
      { label: 'not observed', color: UNSEEN, shape: 'line' },
      ...(seesAll ? [] : [{ label: `party held by ${shorten(adv, 30)}`, color: '#f6d7c6' }]),
    ],
    m.left,
    14,
    iw,
  );
  const g = root.append('g').attr('transform', `translate(${m.left},${m.top})`);
  const laneG = g
    .selectAll('g.lane')
    .data(lanes)
    .join('g')
    .attr('class', 'lane')
    .classed('held', (l) => l.held)
    .attr('transform', (_l, i) => `translate(0,${i * laneH})`);
  laneG
    .append('rect')
    .attr('x', -m.left + 4)
    .attr('width', iw + m.left - 4)
    .attr('height', laneH)
    .attr('fill', (l, i) => (l.held ? '#f6d7c6' : i % 2 === 0 ? '#f7f7f7' : '#fff'));
  laneG
    .append('text')
    .attr('class', 'lane-label')
    .attr('x', -10)
    .attr('y', laneH / 2 - 4)
    .attr('text-anchor', 'end')
    .text((l) => `${l.held ? '● ' : ''}${shorten(l.name, 24)}`);
  laneG
    .append('text')
    .attr('class', 'small')
    .attr('x', -10)
    .attr('y', laneH / 2 + 9)
    .attr('text-anchor', 'end')
    .text((l) => (l.held ? `${l.role} · held` : l.role));
  g.append('g')
    .attr('class', 'axis axis-x')
    .attr('transform', `translate(0,${lanes.length * laneH})`)
    .call(axisBottom(x).ticks(10));
  axisLabel(g as unknown as G, 'time since the message left the sender (ms)', iw / 2, lanes.length * laneH + 36);

  const seen = (h: Hop) => h.heldBy.includes(adv);
  const hops = g
    .selectAll('line.hop')
    .data(t.hops)
    .join('line')
    .attr('class', 'hop')
    .classed('observed', seen)
    .attr('x1', (h) => x(h.tTxMs - t0))
    .attr('y1', (h) => yOf(h.from))
    .attr('x2', (h) => x(h.tRxMs - t0))
    .attr('y2', (h) => yOf(h.to))
    .attr('stroke', (h) => (seen(h) ? SEEN : UNSEEN))
    .attr('stroke-width', (h) => (seen(h) ? 3 : 1.6))
    .attr('marker-end', (h) => (seen(h) ? 'url(#tl-arrow-seen)' : 'url(#tl-arrow-unseen)'));
  const text = (h: Hop, i: number) =>
    [
      `hop ${i + 1}: ${h.from} (${h.fromRole}) → ${h.to} (${h.toRole})`,
      `kind: ${h.kind} · ${fmt(h.bytes)} bytes`,
      `sent ${fmt(h.tTxMs - t0, 5)} ms, arrived ${fmt(h.tRxMs - t0, 5)} ms`,
      `${h.to} sees: ${h.sees || '—'}`,
      `held by: ${h.heldBy.length ? h.heldBy.join(', ') : 'no adversary'}`,
    ].join('\n');
  tooltip(hops, (h) => text(h, t.hops.indexOf(h)));
  g.selectAll('circle.hop-end')
    .data(t.hops)
    .join('circle')
    .attr('class', 'hop-end')
    .attr('cx', (h) => x(h.tTxMs - t0))
    .attr('cy', (h) => yOf(h.from))
    .attr('r', 2.5)
    .attr('fill', (h) => (seen(h) ? SEEN : UNSEEN));
  // Hop labels at the first free spot along their arrow; one that fits nowhere is left out (the
  // table and the tooltip have every hop's kind).
  const labels = t.hops.map((h) => g.append('text').attr('class', 'hop-label').text(h.kind));
  const spots = t.hops.map((h) => {
    const x1 = x(h.tTxMs - t0);
    const x2 = x(h.tRxMs - t0);
    const y1 = yOf(h.from);
    const y2 = yOf(h.to);
    return [0.5, 0.3, 0.7, 0.15, 0.85].flatMap((f) => {
      const px = x1 + f * (x2 - x1);
      const py = y1 + f * (y2 - y1);
      return [
        { x: px + 4, y: py - 3 },
        { x: px + 4, y: py + 10 },
        { x: px - 4, y: py - 3, anchor: 'end' as const },
        { x: px - 4, y: py + 10, anchor: 'end' as const },
      ];
    });
  });
  const omitted = placeTexts(labels, spots, [], { x: 0, y: 0, width: iw, height: lanes.length * laneH });

  if (table) {
    table.selectAll('*').remove();
    const head = table.append('thead').append('tr');
    for (const c of [
      '#',
      'from → to',
      'kind',
      'sent (ms)',
      'arrived (ms)',
      'bytes',
      'what the receiver sees',
      'held by',
    ])
      head.append('th').attr('scope', 'col').text(c);
    const body = table.append('tbody');
    t.hops.forEach((h, i) => {
      const tr = body.append('tr').classed('observed', seen(h));
      for (const c of [
        String(i + 1),
        `${h.from} → ${h.to}`,
        h.kind,
        fmt(h.tTxMs - t0, 5),
        fmt(h.tRxMs - t0, 5),
        fmt(h.bytes),
        h.sees,
        h.heldBy.join(', '),
      ])
        tr.append('td').text(c);
    });
  }
  const observed = t.hops.filter(seen).length;
  const left = omitted > 0 ? ` ${omitted} hop labels left out where they would overlap (see the table).` : '';
  return `${t.design}: message ${t.message}, user ${t.sender} → user ${t.recipient}; ${observed} of ${t.hops.length} hops observed by ${adv}${seesAll ? ' (it sees every link)' : ''}.${left}`;
};
