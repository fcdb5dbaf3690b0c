/**
 * The correlation figures, from the series every run exports for a few sampled true pairs
 * (src/pipeline/samples.ts; docs/metrics.md):
 * - chart j (correlation.csv): for the chosen design × adversary × attack × cell, one row per sampled
 *   pair; in each, the recipient's windowed delivery counts (up, grey) mirrored against the true
 *   sender's send counts (down, vermillion) and the best-ranked wrong candidate's (down, blue), with
 *   their Pearson r — the figure of Levine et al. (FC 2004) and DeepCorr (CCS 2018).
 * - chart k (candidates.csv): one sampled delivery per row; every candidate's observed departures on
 *   a log axis of time before the adversary's anchor sighting, as stems as high as the candidate's
 *   posterior (log axis), the true sender's in vermillion — what a timing attack weighs.
 */
import { axisBottom, axisLeft, max, scaleLinear, scaleLog } from 'd3';
import { type Ctx, cellLabel, type Render } from '../context.js';
import type { CandData, CorrData } from '../detail-data.js';
import { axisLabel, fmt, frame, type G, type LegendItem, legend, note, shorten, tooltip } from '../ui.js';

const TRUE_COLOUR = '#D55E00';
const WRONG_COLOUR = '#0072B2';
const RECIPIENT_COLOUR = '#6b6b6b';

function selected<T extends { design: string; adversary: string; attack: string; cell: number; replicate: number }>(
  rows: T[],
  ctx: Ctx,
): T[] {
  const { state } = ctx;
  return rows.filter(
    (r) =>
      r.design === state.design &&
      r.adversary === state.adversary &&
      r.attack === state.attack &&
      r.cell === state.cell &&
      r.replicate === 0,
  );
}

function missing(svg: Parameters<Render>[0], ctx: Ctx, file: string, any: boolean, W: number): string {
  const { state } = ctx;
  note(svg, W, [
    any
      ? `No sampled pairs for ${shorten(state.design, 20)} × ${shorten(state.adversary, 20)} × ${shorten(state.attack, 16)}${cellLabel(ctx)}.`
      : `No ${file} in this results folder (written by an older anonsim): re-run the scenario.`,
  ]);
  return 'no data for this selection';
}

const PANEL_H = 125;
const GAP_Y = 66;

/** A chart of `rows` stacked rows of panels under one legend; rowY(i) is the top of row i. */
function stacked(
  svg: Parameters<Render>[0],
  W: number,
  rows: number,
  m: { top: number; left: number; right: number; bottom: number },
  items: LegendItem[],
): { root: G; rowY: (i: number) => number } {
  frame(svg, W, m.top + rows * (PANEL_H + GAP_Y) - GAP_Y + m.bottom);
  const root = svg.append('g') as unknown as G;
  legend(root, items, m.left, 14, W - m.left - m.right);
  return { root, rowY: (i) => m.top + i * (PANEL_H + GAP_Y) };
}

export const renderCorrelation: Render = (svg, ctx) => {
  const W = 1200;
  const samples = selected(ctx.model.detail.correlation, ctx).sort((a, b) => a.sample - b.sample);
  if (samples.length === 0) return missing(svg, ctx, 'correlation.csv', ctx.model.detail.correlation.length > 0, W);
  const m = { top: 44, left: 56, right: 16, bottom: 40 };
  const gapX = 40;
  const pw = (W - m.left - m.right - gapX) / 2;
  const { root, rowY } = stacked(svg, W, samples.length, m, [
    { label: 'recipient: deliveries seen per window (shifted by the attack’s delay), up', color: RECIPIENT_COLOUR },
    { label: 'true sender: sends seen per window, down', color: TRUE_COLOUR },
    { label: 'best-ranked wrong candidate: sends per window, down', color: WRONG_COLOUR },
  ]);
  samples.forEach((s, i) => {
    const py = rowY(i);
    drawPair(root, s, 'sender', m.left, py, pw, PANEL_H);
    drawPair(root, s, 'wrong', m.left + pw + gapX, py, pw, PANEL_H);
  });
  const s0 = samples[0];
  return `${ctx.state.design} × ${ctx.state.adversary} × ${ctx.state.attack}${cellLabel(ctx)}: ${samples.length} sampled true pairs, windows of ${fmt(s0.windowS)} s, recipient shifted by ${fmt(s0.shiftS * 1000, 4)} ms; r = Pearson correlation over all ${s0.windows} windows (correlation.csv).`;
};

/** One mirror panel: the recipient's counts up, one candidate's down. */
function drawPair(root: G, s: CorrData, who: 'sender' | 'wrong', px: number, py: number, pw: number, ph: number): void {
  const g = root
    .append('g')
    .attr('class', `corr-panel corr-${who}`)
    .attr('data-sample', s.sample)
    .attr('transform', `translate(${px},${py})`);
  const user = who === 'sender' ? s.sender : s.wrong;
  const r = who === 'sender' ? s.rSender : s.rWrong;
  const counts = who === 'sender' ? s.senderCount : s.wrongCount;
  const colour = who === 'sender' ? TRUE_COLOUR : WRONG_COLOUR;
  const title =
    who === 'sender'
      ? `pair ${s.sample}: true sender ${user} → recipient ${s.recipient}, r = ${fmt(r, 3)}`
      : user
        ? `pair ${s.sample}: best wrong candidate ${user} → recipient ${s.recipient}, r = ${fmt(r, 3)}`
        : `pair ${s.sample}: no wrong candidate scored above 0 for recipient ${s.recipient}`;
  g.append('text').attr('class', 'panel-title').attr('x', 0).attr('y', -8).text(title);
  const span = s.windows * s.windowS;
  const x = scaleLinear().domain([0, span]).range([0, pw]);
  const top = Math.max(1, max(s.recipientCount) ?? 1);
  const bottom = Math.max(1, max(counts) ?? 1);
  const y = scaleLinear().domain([-bottom, top]).range([ph, 0]).nice();
  g.append('g')
    .attr('class', 'axis axis-y')
    .call(
      axisLeft(y)
        .ticks(4)
        .tickFormat((v) => fmt(Math.abs(Number(v)))),
    );
  g.append('g').attr('class', 'axis axis-x').attr('transform', `translate(0,${ph})`).call(axisBottom(x).ticks(8));
  g.append('line').attr('x1', 0).attr('x2', pw).attr('y1', y(0)).attr('y2', y(0)).attr('stroke', '#999');
  axisLabel(g, 'time (s)', pw / 2, ph + 32);
  const bw = Math.max(1.5, pw / s.windows);
  const bars = (cls: string, values: number[], up: boolean, fill: string) => {
    const data = s.window.map((w, k) => ({ w, c: values[k] })).filter((d) => d.c > 0);
    const sel = g
      .selectAll(`rect.${cls}`)
      .data(data)
      .join('rect')
      .attr('class', cls)
      .attr('x', (d) => x(d.w * s.windowS))
      .attr('width', bw)
      .attr('y', (d) => (up ? y(d.c) : y(0)))
      .attr('height', (d) => Math.abs(y(0) - y(up ? d.c : -d.c)))
      .attr('fill', fill);
    tooltip(sel, (d) => `window ${d.w} (${fmt(d.w * s.windowS)} s): ${d.c} ${up ? 'deliveries' : 'sends'}`);
  };
  bars('bar-recipient', s.recipientCount, true, RECIPIENT_COLOUR);
  if (user) bars(`bar-${who}`, counts, false, colour);
}

export const renderCandidates: Render = (svg, ctx) => {
  const W = 1200;
  const samples = selected(ctx.model.detail.candidates, ctx).sort((a, b) => a.sample - b.sample);
  if (samples.length === 0) return missing(svg, ctx, 'candidates.csv', ctx.model.detail.candidates.length > 0, W);
  const m = { top: 44, left: 78, right: 250, bottom: 40 };
  const pw = W - m.left - m.right;
  const { root, rowY } = stacked(svg, W, samples.length, m, [
    { label: 'true sender’s departures', color: TRUE_COLOUR },
    { label: 'other candidates’ departures', color: WRONG_COLOUR },
    { label: 'stem height = the candidate’s posterior', color: '#444', shape: 'line' },
  ]);
  samples.forEach((s, i) => {
    drawDelivery(root, s, m.left, rowY(i), pw, PANEL_H);
  });
  return `${ctx.state.design} × ${ctx.state.adversary} × ${ctx.state.attack}${cellLabel(ctx)}: for one delivery per sampled pair, the candidates with the highest posterior (and the true sender), each with its address's departures the adversary saw before its anchor sighting (candidates.csv).`;
};

function drawDelivery(root: G, s: CandData, px: number, py: number, pw: number, ph: number): void {
  const g = root
    .append('g')
    .attr('class', 'cand-panel')
    .attr('data-sample', s.sample)
    .attr('transform', `translate(${px},${py})`);
  const truth = s.candidates.find((c) => c.isTrue);
  const title = Number.isFinite(s.anchorMs)
    ? `pair ${s.sample}: message ${s.message} to user ${s.recipient}; true sender ${s.sender} (posterior ${fmt(truth?.posterior ?? Number.NaN, 3)})`
    : `pair ${s.sample}: message ${s.message} — the adversary saw none of its path (no anchor)`;
  g.append('text').attr('class', 'panel-title').attr('x', 0).attr('y', -8).text(title);
  const stems = s.candidates.flatMap((c) => c.beforeMs.map((b, k) => ({ c, b: Math.max(b, 1e-3), d: c.density[k] })));
  const bMax = Math.max(s.spanS * 1000, max(stems, (t) => t.b) ?? 1);
  const bMin = Math.min(1, ...stems.map((t) => t.b));
  // Time runs left to right towards the anchor sighting at the right edge.
  const x = scaleLog().domain([bMax, bMin]).range([0, pw]).clamp(true);
  const pMin = Math.max(1e-9, Math.min(...s.candidates.map((c) => c.posterior).filter((p) => p > 0), 1) / 2);
  const y = scaleLog().domain([pMin, 1]).range([ph, 0]).clamp(true);
  // Powers of ten only, as 1e-6 … 1 and 1 ms … 1000 s: every label short and distinct.
  const decades = (lo: number, hi: number) => {
    const out: number[] = [];
    for (let e = Math.ceil(Math.log10(lo) - 1e-9); e <= Math.floor(Math.log10(hi) + 1e-9); e++) out.push(10 ** e);
    return out;
  };
  const yTicks = decades(pMin, 1);
  const ySkip = Math.ceil(yTicks.length / 5);
  g.append('g')
    .attr('class', 'axis axis-y')
    .call(
      axisLeft(y)
        .tickValues(yTicks.filter((_, k) => (yTicks.length - 1 - k) % ySkip === 0))
        .tickFormat((v) => (Number(v) >= 0.01 ? String(Number(v)) : Number(v).toExponential(0))),
    );
  g.append('g')
    .attr('class', 'axis axis-x')
    .attr('transform', `translate(0,${ph})`)
    .call(
      axisBottom(x)
        .tickValues(decades(bMin, bMax))
        .tickFormat((v) => (Number(v) >= 1000 ? `${Number(v) / 1000} s` : `${Number(v)} ms`)),
    );
  axisLabel(g, 'time before the anchor sighting (log scale; the anchor is at the right)', pw / 2, ph + 32);
  axisLabel(g, 'posterior', -56, ph / 2, true);
  const sel = g
    .selectAll('line.stem')
    .data(stems)
    .join('line')
    .attr('class', (t) => (t.c.isTrue ? 'stem stem-true' : 'stem'))
    .attr('x1', (t) => x(t.b))
    .attr('x2', (t) => x(t.b))
    .attr('y1', ph)
    .attr('y2', (t) => y(Math.max(pMin, t.c.posterior)))
    .attr('stroke', (t) => (t.c.isTrue ? TRUE_COLOUR : WRONG_COLOUR))
    .attr('stroke-width', (t) => (t.c.isTrue ? 2.5 : 1.4))
    .attr('stroke-opacity', (t) => (t.c.isTrue ? 1 : 0.7));
  tooltip(sel, (t) =>
    [
      `candidate ${t.c.user}${t.c.isTrue ? ' (true sender)' : ''}: posterior ${fmt(t.c.posterior, 4)}`,
      `departure ${fmt(t.b, 5)} ms before the anchor sighting`,
      `end-to-end delay density there: ${fmt(t.d, 4)} per s`,
    ].join('\n'),
  );
  g.selectAll('circle.stem-head')
    .data(stems)
    .join('circle')
    .attr('class', 'stem-head')
    .attr('cx', (t) => x(t.b))
    .attr('cy', (t) => y(Math.max(pMin, t.c.posterior)))
    .attr('r', (t) => (t.c.isTrue ? 3.5 : 2.5))
    .attr('fill', (t) => (t.c.isTrue ? TRUE_COLOUR : WRONG_COLOUR));
  // Candidates by posterior, at the right (the table a reader needs to name the stems).
  const list = g
    .append('g')
    .attr('class', 'cand-list')
    .attr('transform', `translate(${pw + 14},0)`);
  const shown = s.candidates.slice(0, 8);
  shown.forEach((c, k) => {
    list
      .append('text')
      .attr('class', 'small')
      .attr('y', 8 + k * 13)
      .attr('fill', c.isTrue ? TRUE_COLOUR : '#222')
      .text(
        `${c.isTrue ? '● ' : ''}user ${shorten(c.user, 8)}: ${fmt(c.posterior, 3)}${c.beforeMs.length ? '' : ' (no departure seen)'}`,
      );
  });
  const rest = s.candidates.length - shown.length;
  if (rest > 0)
    list
      .append('text')
      .attr('class', 'small')
      .attr('y', 8 + shown.length * 13)
      .text(`${rest} more listed (candidates.csv)`);
  list
    .append('text')
    .attr('class', 'small')
    .attr('y', 8 + (shown.length + (rest > 0 ? 1 : 0)) * 13)
    .text(`all others: ${fmt(s.otherMass, 3)} over ${s.otherUsers} users`);
}
