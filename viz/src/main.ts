/**
 * anonsim viewer entry: reads the results inlined in `<script type="application/json"
 * id="anonsim-data">` (CSV texts of docs/cli.md plus message timelines), builds the page (controls
 * and one section per chart), renders every chart, and wires the SVG/PNG export buttons. The page
 * loads nothing from the network; every data string reaches the DOM as text.
 * Sets `document.body.dataset.ready = 'true'` once everything is drawn.
 */
import { select } from 'd3';
import { renderCompare } from './charts/compare.js';
import { renderCandidates, renderCorrelation } from './charts/correlation.js';
import { renderAnonCdf, renderTtfd } from './charts/distributions.js';
import { renderExposure } from './charts/exposure.js';
import { renderOverview } from './charts/overview.js';
import { renderHeatmap, renderRoc } from './charts/pairs.js';
import { renderSweep } from './charts/sweep.js';
import { renderTimeline } from './charts/timeline.js';
import { renderTradeoff } from './charts/tradeoff.js';
import { parseComparison } from './compare-data.js';
import type { ChartSpec, Ctx, State } from './context.js';
import { buildModel, METRIC_LABELS, type Model, type RawData } from './data.js';
import { download, hideTooltip, OKABE_ITO, pngBlob, type Svg, shorten, svgMarkup } from './ui.js';

const CHARTS: ChartSpec[] = [
  {
    id: 'overview',
    title: 'Deanonymization overview',
    caption:
      'Mean of the chosen metric over replicates per design, attack and adversary, whiskers = 95% interval; dashed = no-information baseline (1/users for top1). Click a bar to select it.',
    wide: true,
    render: renderOverview,
  },
  {
    id: 'sweep',
    title: 'Metric vs swept parameter',
    caption:
      'The chosen metric against a swept scenario key, one line per design; bands = 95% interval over replicates (none with one replicate); grey dashed = a design the key does not affect; black dashed = the no-information baseline of each cell (1/users for top1); log x axis when the key spans more than a decade.',
    render: renderSweep,
  },
  {
    id: 'exposure',
    title: 'Exposure matrix: measured vs article',
    caption:
      'Measured exposure per vector and design (A protected, P partial, X exposed) with the measured value; "art." = the article\'s grade where it differs; attack-based rows name the attack that gave the value, measured with the scenario\'s own adversaries; "input" (dashed border) = a model parameter passed through, not measured on the run; hatched = not measured (no data).',
    render: renderExposure,
  },
  {
    id: 'heatmap',
    title: 'Pair-score heat map',
    caption:
      'Attack scores of listed candidate pairs for the chosen design × adversary × attack and sweep cell: senders (rows) by best score, recipients next to their best-matching sender; rings = true pairs.',
    render: renderHeatmap,
  },
  {
    id: 'roc',
    title: 'ROC of pair scores',
    caption:
      "ROC of the attack's pair scores over all ordered user pairs (roc.csv) per design for the chosen adversary × attack and sweep cell; the legend gives the area under each drawn curve next to summary.csv's pair_auc: they agree.",
    render: renderRoc,
  },
  {
    id: 'anoncdf',
    title: 'Anonymity-set distribution',
    caption:
      'CDF over scored deliveries of the anonymity set 2^H (solid: how sure the attack is) and of the true sender\'s expected rank (dotted: whether it is right) per design, for the chosen adversary × attack and sweep cell (distributions.csv); "excluded" = share of deliveries whose true sender the attack ruled out. Entropy without excluded must not be quoted as "the adversary narrows the sender to N users".',
    render: renderAnonCdf,
  },
  {
    id: 'ttfd',
    title: 'Time to first deanonymization',
    caption:
      'Fraction of communicating pairs whose sender the adversary first ranks top within n of their messages (causal ranking), for the chosen sweep cell; solid = a unique top (strict), dashed = a tie of g users (e.g. a NAT) counts 1/g (tie-aware); curves below 1 = pairs never identified.',
    render: renderTtfd,
  },
  {
    id: 'correlation',
    title: 'Flow correlation of sampled pairs',
    caption:
      "For three sampled true pairs of the chosen design × adversary × attack and sweep cell: the recipient's windowed delivery counts (up) against the true sender's and the best-ranked wrong candidate's send counts (down), each with Pearson r over all windows (Levine et al. FC 2004; DeepCorr, CCS 2018). Series in correlation.csv.",
    wide: true,
    render: renderCorrelation,
  },
  {
    id: 'candidates',
    title: 'One delivery’s candidates in time',
    caption:
      "For one delivery of each sampled pair: every top candidate's observed departures before the adversary's anchor sighting (log time axis), as stems as high as the candidate's posterior; vermillion = the true sender. What a timing attack weighs. Series in candidates.csv.",
    wide: true,
    render: renderCandidates,
  },
  {
    id: 'tradeoff',
    title: 'Trade-off: the price of privacy',
    caption:
      'Every design × sweep cell for the chosen adversary × attack. A, B: top1 (95% interval) against median latency and bytes on all links per message sent; black step line and rings = Pareto front of all points (nothing is both faster/cheaper and more private); thin coloured step lines = each design’s own front; “added vs. baseline” shows the cost added to each design’s cell with every swept countermeasure off; dashed = blind guess 1/users. C: messages per user per second (real + cover) against latency, point size = top1; shaded = r < 1/(2L), where strong anonymity is impossible (anonymity trilemma, Das et al., IEEE S&P 2018).',
    wide: true,
    render: renderTradeoff,
  },
  {
    id: 'timeline',
    title: 'Message timeline',
    caption:
      'Hops of one message as swimlanes over time: thick vermillion = observed by the chosen adversary, shaded lanes = parties it holds; hover a hop for what its receiver saw.',
    wide: true,
    render: renderTimeline,
  },
];

function readData(): RawData | null {
  const el = document.getElementById('anonsim-data');
  const text = el?.textContent?.trim();
  if (!text || text === 'null') return null;
  const data = JSON.parse(text) as unknown;
  return data && typeof data === 'object' ? (data as RawData) : null;
}

function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'anonsim'
  );
}

interface Control {
  id: string;
  label: string;
  key: keyof State;
  options: () => { value: string; text: string }[];
  hint: string;
}

function start(): void {
  const raw = readData();
  const app = select('#app');
  if (!raw) {
    app.append('h1').text('anonsim viewer');
    app
      .append('p')
      .attr('class', 'empty-page')
      .text(
        'No results are inlined in this page. Open report.html in a results folder, or run `anonsim view <results folder>`.',
      );
    document.body.dataset.ready = 'true';
    return;
  }
  const model: Model = buildModel(raw);
  const comparison = parseComparison(raw.compare);
  // A folder written by `anonsim compare -o` has only the comparison.
  const compareOnly = comparison !== null && raw.summary === undefined;
  const charts: ChartSpec[] = compareOnly ? [] : [...CHARTS];
  if (comparison)
    charts.push({
      id: 'compare',
      title: 'Paired comparison',
      caption:
        'Difference b − a of the chosen metric for the chosen pair, per sweep cell × adversary × attack: dot = mean, whiskers = 95% interval of the per-replicate differences (paired by seed: same workload, placement and colluding draws), filled where the interval excludes 0; dashed = no difference. Right: both means and the number of replicates.',
      wide: true,
      render: renderCompare(comparison, () => state.pair),
    });
  const p = raw.provenance;
  const provenance =
    p && typeof p.anonsim === 'string'
      ? `anonsim ${p.anonsim}${typeof p.commit === 'string' ? ` (commit ${p.commit.slice(0, 12)})` : ''}`
      : '';
  document.title = `${model.title} · anonsim`;
  const designColor = new Map(model.designs.map((d, i) => [d, OKABE_ITO[i % OKABE_ITO.length]]));
  const state: State = {
    design: model.designs[0] ?? '',
    adversary: model.adversaries[0] ?? '',
    attack: model.attacks[0] ?? '',
    metric: model.metrics.includes('top1') || comparison?.metrics.includes('top1') ? 'top1' : (model.metrics[0] ?? ''),
    sweepKey: model.sweepKeys[0] ?? '',
    cell: 0,
    message: 0,
    pair: 0,
  };

  const header = app.append('header');
  header.append('h1').text(model.title);
  const reps = new Set(model.summary.map((r) => r.replicate)).size;
  header
    .append('p')
    .attr('class', 'meta')
    .text(
      compareOnly
        ? `${comparison.pairs.length} compared designs · ${provenance || 'anonsim'} · data inlined, nothing loaded from the network`
        : `${model.designs.length} designs · ${model.adversaries.length} adversaries · ${model.attacks.length} attacks · ` +
            `${reps} replicates · ${model.cells.length > 1 ? `${model.cells.length} sweep cells` : 'no sweep'}${provenance ? ` · ${provenance}` : ''} · data inlined, nothing loaded from the network`,
    );

  const controls: Control[] = [
    {
      id: 'sel-design',
      label: 'design',
      key: 'design',
      options: () => model.designs.map((d) => ({ value: d, text: d })),
      hint: 'heat map, correlation, candidates, timeline; highlighted elsewhere',
    },
    {
      id: 'sel-adversary',
      label: 'adversary',
      key: 'adversary',
      options: () => model.adversaries.map((d) => ({ value: d, text: d })),
      hint: 'all per-adversary charts',
    },
    {
      id: 'sel-attack',
      label: 'attack',
      key: 'attack',
      options: () => model.attacks.map((d) => ({ value: d, text: d })),
      hint: 'all per-attack charts',
    },
    {
      id: 'sel-metric',
      label: 'metric',
      key: 'metric',
      options: () =>
        (compareOnly ? comparison.metrics : model.metrics).map((d) => ({
          value: d,
          text: METRIC_LABELS[d] ? `${d} — ${METRIC_LABELS[d]}` : d,
        })),
      hint: 'overview, sweep and paired comparison',
    },
    {
      id: 'sel-compare-pair',
      label: 'compared pair',
      key: 'pair',
      options: () => (comparison?.pairs ?? []).map((p, i) => ({ value: String(i), text: p.label })),
      hint: 'paired comparison',
    },
    {
      id: 'sel-sweep-key',
      label: 'swept key (x)',
      key: 'sweepKey',
      options: () => model.sweepKeys.map((d) => ({ value: d, text: d })),
      hint: 'sweep chart x axis',
    },
    {
      id: 'sel-cell',
      label: 'sweep cell',
      key: 'cell',
      options: () => model.cells.map((c, i) => ({ value: String(i), text: c.label })),
      hint: 'overview, heat map, ROC, distributions, time to deanonymization, correlation, candidates (the trade-off chart shows every cell)',
    },
    {
      id: 'sel-message',
      label: 'message',
      key: 'message',
      options: () =>
        model.timelines.map((t, i) => ({
          value: String(i),
          text: `${shorten(t.design, 24)} · message ${t.message} (user ${t.sender} → ${t.recipient})`,
        })),
      hint: 'timeline',
    },
  ];

  const nav = app.append('nav').attr('class', 'controls').attr('aria-label', 'chart controls');
  const selects = new Map<keyof State, HTMLSelectElement>();
  for (const c of controls) {
    const opts = c.options();
    const wrap = nav.append('label').attr('class', 'control').attr('title', `affects: ${c.hint}`);
    wrap.append('span').text(c.label);
    const sel = wrap.append('select').attr('id', c.id);
    sel
      .selectAll('option')
      .data(opts)
      .join('option')
      .attr('value', (o) => o.value)
      .text((o) => o.text);
    if (
      (opts.length <= 1 && (c.key === 'sweepKey' || c.key === 'cell' || c.key === 'pair')) ||
      opts.length === 0 ||
      (compareOnly && c.key !== 'metric' && c.key !== 'pair')
    )
      wrap.classed('hidden', true);
    if (opts.length === 0) sel.property('disabled', true);
    sel.on('change', (event: Event) => {
      const v = (event.target as HTMLSelectElement).value;
      const patch: Partial<State> = {};
      if (c.key === 'cell' || c.key === 'message' || c.key === 'pair') patch[c.key] = Number(v);
      else patch[c.key] = v;
      update(patch);
    });
    selects.set(c.key, sel.node()!);
  }

  const chartsEl = app.append('main').attr('class', 'charts');
  const subtitles = new Map<string, string>();
  for (const spec of charts) {
    const sec = chartsEl
      .append('section')
      .attr('class', 'chart')
      .attr('id', `sec-${spec.id}`)
      .classed('wide', !!spec.wide);
    const head = sec.append('div').attr('class', 'chart-head');
    head.append('h2').text(spec.title);
    const buttons = head.append('div').attr('class', 'buttons');
    for (const kind of ['svg', 'png'] as const) {
      buttons
        .append('button')
        .attr('type', 'button')
        .attr('class', `export-${kind}`)
        .attr('data-chart', spec.id)
        .attr('title', `download this chart as ${kind.toUpperCase()}`)
        .text(kind.toUpperCase())
        .on('click', () => exportChart(spec, kind));
    }
    sec.append('p').attr('class', 'caption').text(spec.caption);
    sec.append('p').attr('class', 'subtitle').attr('aria-live', 'polite');
    sec
      .append('div')
      .attr('class', 'chart-wrap')
      .append('svg')
      .attr('id', spec.id)
      .attr('class', 'chart-svg')
      .attr('role', 'img')
      .attr('aria-label', spec.title);
    if (spec.id === 'timeline')
      sec.append('div').attr('class', 'table-wrap').append('table').attr('class', 'hop-table');
  }
  app
    .append('footer')
    .text('anonsim viewer · colours: Okabe–Ito (colour-blind safe) · export any chart with its SVG / PNG buttons');

  function exportChart(spec: ChartSpec, kind: 'svg' | 'png'): void {
    const el = document.getElementById(spec.id) as SVGSVGElement | null;
    if (!el) return;
    // Every exported figure names what made it (manifest.json's version and commit).
    const made = provenance ? ` Made with ${provenance}.` : '';
    const markup = svgMarkup(
      el,
      `${spec.title} — ${model.title}`,
      `${spec.caption} ${subtitles.get(spec.id) ?? ''}${made}`,
    );
    const name = `${slug(model.title)}-${spec.id}.${kind}`;
    if (kind === 'svg') download(new Blob([markup], { type: 'image/svg+xml' }), name);
    else
      pngBlob(markup)
        .then((b) => download(b, name))
        .catch((e: unknown) => console.error('PNG export failed:', e));
  }

  const ctx: Ctx = {
    model,
    state,
    color: (d) => designColor.get(d) ?? '#666',
    select: (patch) => update(patch),
  };

  function update(patch: Partial<State>): void {
    Object.assign(state, patch);
    // Keep the timeline on the chosen design when it has one.
    if (patch.design !== undefined && patch.message === undefined) {
      const cur = model.timelines[state.message];
      if (cur && cur.design !== state.design) {
        const i = model.timelines.findIndex((t) => t.design === state.design);
        if (i >= 0) state.message = i;
      }
    }
    for (const [key, sel] of selects) sel.value = String(state[key]);
    renderAll();
  }

  function renderAll(): void {
    hideTooltip();
    for (const spec of charts) {
      const svg = select(`svg#${spec.id}`) as unknown as Svg;
      let sub: string;
      try {
        sub = spec.render(svg, ctx);
      } catch (e) {
        console.error(`chart ${spec.id} failed:`, e);
        sub = 'this chart could not be drawn (see the browser console)';
      }
      subtitles.set(spec.id, sub);
      select(`#sec-${spec.id} p.subtitle`).text(sub);
    }
  }

  update({});
  document.body.dataset.ready = 'true';
}

start();
