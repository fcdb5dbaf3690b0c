/**
 * Chart c: the measured exposure matrix (exposure.csv): six vectors × designs. A measured cell is
 * coloured by its grade A/P/X and shows the grade and value on its first line; its second line has
 * the attack an attack-based value came from and, where the article grades differently, a badge with
 * the article's grade. A vector that was not measured (empty grade: the scenario has no such
 * adversary, or no groups) is drawn hatched grey as "no data", never as a grade.
 * Nothing overlaps by construction (two lines, widths from the column width), and layout.ts drops
 * whatever would still collide.
 */
import type { Selection } from 'd3';
import type { Render } from '../context.js';
import { articleDesign, articleGrade, VECTOR_LABELS, VECTORS } from '../data.js';
import { type Box, placeTexts, textBox } from '../layout.js';
import { fmt, frame, type G, GRADE_COLORS, GRADE_MEANING, legend, note, shorten, tooltip } from '../ui.js';

/** Why a vector has no value, by vector (docs/exposure.md). */
const NO_DATA: Record<string, string> = {
  social_graph: 'not measured: the scenario has no `single` adversary with `target: server`',
  global_passive: 'not measured: the scenario has no `global-passive` adversary',
  group_membership: 'not measured: the workload has no groups',
};
const ATTACK_BASED = new Set(['social_graph', 'global_passive']);

export const renderExposure: Render = (svg, ctx) => {
  const { model } = ctx;
  const W = 700;
  const rows = model.exposure;
  if (rows.length === 0) {
    note(svg, W, ['No exposure.csv in this results folder.']);
    return 'no data';
  }
  const designs = model.designs.filter((d) => rows.some((r) => r.design === d));
  const vectors = [
    ...VECTORS.filter((v) => rows.some((r) => r.vector === v)),
    ...rows.map((r) => r.vector).filter((v, i, a) => !(VECTORS as readonly string[]).includes(v) && a.indexOf(v) === i),
  ];
  const m = { top: 56, left: 236, right: 8, bottom: 70 };
  const cw = Math.min(120, (W - m.left - m.right) / designs.length);
  const ch = 44;
  const H = m.top + vectors.length * ch + m.bottom;
  frame(svg, W, H);
  const root = svg.append('g') as unknown as G;
  const g = root.append('g').attr('transform', `translate(${m.left},${m.top})`);
  // Characters that fit a width at a font size (system sans: about 0.6 em per character).
  const chars = (width: number, size: number) => Math.max(3, Math.floor(width / (size * 0.6)));

  designs.forEach((d, i) => {
    const t = g
      .append('text')
      .attr('class', 'col-label')
      .attr('x', i * cw + cw / 2)
      .attr('y', -22)
      .attr('text-anchor', 'middle')
      .attr('font-weight', 600)
      .text(shorten(d, chars(cw - 4, 11.5)));
    const art = articleDesign(d);
    g.append('text')
      .attr('class', 'small')
      .attr('x', i * cw + cw / 2)
      .attr('y', -8)
      .attr('text-anchor', 'middle')
      .text(shorten(art ? `article: ${art}` : 'not in article', chars(cw - 4, 9.5)));
    tooltip(t, () => d);
  });
  vectors.forEach((v, i) => {
    const t = g
      .append('text')
      .attr('class', 'row-label')
      .attr('x', -8)
      .attr('y', i * ch + ch / 2)
      .attr('dy', '0.35em')
      .attr('text-anchor', 'end')
      .text(shorten(VECTOR_LABELS[v] ?? v, 38));
    tooltip(t, () => `${VECTOR_LABELS[v] ?? v}\n(${v})`);
  });

  const defs = svg.append('defs');
  defs
    .append('pattern')
    .attr('id', 'exposure-no-data')
    .attr('width', 6)
    .attr('height', 6)
    .attr('patternUnits', 'userSpaceOnUse')
    .attr('patternTransform', 'rotate(45)')
    .call((p) => {
      p.append('rect').attr('width', 6).attr('height', 6).attr('fill', '#eeeeee');
      p.append('line')
        .attr('x1', 0)
        .attr('y1', 0)
        .attr('x2', 0)
        .attr('y2', 6)
        .attr('stroke', '#c8c8c8')
        .attr('stroke-width', 2);
    });

  let differ = 0;
  let missing = 0;
  const second: Selection<SVGTextElement, unknown, null, undefined>[] = [];
  const cells = rows.filter((r) => designs.includes(r.design) && vectors.includes(r.vector));
  const taken: Box[] = [];
  for (const r of cells) {
    const cx = designs.indexOf(r.design) * cw;
    const cy = vectors.indexOf(r.vector) * ch;
    const measured = r.grade !== '' && Number.isFinite(r.value);
    const art = articleGrade(r.vector, r.design);
    const diff = measured && art !== undefined && art !== r.grade;
    if (diff) differ++;
    if (!measured) missing++;
    const cg = g.append('g').attr('class', 'cell-g').attr('transform', `translate(${cx},${cy})`);
    const rect = cg
      .append('rect')
      .attr('class', 'cell')
      .classed('differs', diff)
      .classed('no-data', !measured)
      .classed('input', r.source === 'input')
      .attr('data-grade', measured ? r.grade : '')
      .attr('x', 2)
      .attr('y', 2)
      .attr('width', cw - 4)
      .attr('height', ch - 4)
      .attr('rx', 3)
      .attr('fill', measured ? (GRADE_COLORS[r.grade] ?? '#9a9a9a') : 'url(#exposure-no-data)');
    const line1 = ch / 2 - 7;
    const line2 = ch / 2 + 11;
    if (measured) {
      const grade = cg
        .append('text')
        .attr('class', 'cell-grade')
        .attr('x', 9)
        .attr('y', line1)
        .attr('dy', '0.35em')
        .attr('pointer-events', 'none')
        .text(r.grade);
      const value = cg
        .append('text')
        .attr('class', 'cell-value')
        .attr('x', 27)
        .attr('y', line1)
        .attr('dy', '0.35em')
        .attr('pointer-events', 'none')
        .text(fmt(r.value));
      for (const t of [grade, value]) {
        const b = textBox(t.node()!);
        taken.push({ ...b, x: b.x + cx, y: b.y + cy });
      }
    } else {
      cg.append('text')
        .attr('class', 'no-data-label')
        .attr('x', cw / 2)
        .attr('y', ch / 2)
        .attr('dy', '0.35em')
        .attr('text-anchor', 'middle')
        .attr('pointer-events', 'none')
        .text('no data');
    }
    // Second line: the article's grade where it differs (right), the attack a value came from (left).
    if (diff) {
      cg.append('rect')
        .attr('class', 'article-badge')
        .attr('x', cw - 44)
        .attr('y', line2 - 7)
        .attr('width', 38)
        .attr('height', 14)
        .attr('rx', 3)
        .attr('fill', '#fff')
        .attr('stroke', '#111')
        .attr('stroke-dasharray', '3 2')
        .attr('pointer-events', 'none');
      const badge = cg
        .append('text')
        .attr('class', 'article-grade')
        .attr('x', cw - 25)
        .attr('y', line2)
        .attr('dy', '0.35em')
        .attr('text-anchor', 'middle')
        .attr('pointer-events', 'none')
        .text(`art. ${art}`);
      const b = textBox(badge.node()!);
      taken.push({ ...b, x: b.x + cx, y: b.y + cy });
    }
    if (measured && r.source === 'input')
      cg.append('text')
        .attr('class', 'cell-input')
        .attr('x', 8)
        .attr('y', line2)
        .attr('dy', '0.35em')
        .attr('pointer-events', 'none')
        .text('input');
    if (measured && ATTACK_BASED.has(r.vector) && r.attack) {
      const room = diff ? cw - 52 : cw - 12;
      second.push(
        (g as unknown as G)
          .append('text')
          .attr('class', 'cell-basis')
          .attr('data-design', r.design)
          .attr('pointer-events', 'none')
          .text(shorten(r.attack, chars(room, 9))),
      );
    }
    tooltip(rect, () =>
      [
        `${r.design} — ${VECTOR_LABELS[r.vector] ?? r.vector}`,
        measured
          ? `${r.source === 'input' ? 'input value (a model parameter, not measured on the run)' : 'measured value'}: ${fmt(r.value)} → grade ${r.grade} (${GRADE_MEANING[r.grade] ?? 'unknown grade'})`
          : (NO_DATA[r.vector] ?? 'not measured'),
        measured && r.adversary
          ? `from adversary ${r.adversary}, best attack ${r.attack} (best of: ${model.attacks.join(', ')})`
          : '',
        art
          ? `article: ${art} (${GRADE_MEANING[art]})${measured ? (diff ? ' — differs' : ' — agrees') : ''}`
          : 'article: no grade for this design',
      ]
        .filter(Boolean)
        .join('\n'),
    );
  }
  // The attack names go where they meet nothing (they are in the tooltip too).
  const basisRows = cells.filter(
    (r) => r.grade !== '' && Number.isFinite(r.value) && ATTACK_BASED.has(r.vector) && r.attack,
  );
  const dropped = placeTexts(
    second,
    basisRows.map((r) => {
      const cx = designs.indexOf(r.design) * cw;
      const cy = vectors.indexOf(r.vector) * ch;
      return [{ x: cx + 8, y: cy + ch / 2 + 14 }];
    }),
    taken,
    { x: 0, y: 0, width: designs.length * cw, height: vectors.length * ch },
  );
  legend(
    root,
    [
      ...['A', 'P', 'X'].map((k) => ({ label: `${k}: ${GRADE_MEANING[k]}`, color: GRADE_COLORS[k] })),
      { label: 'no data (not measured)', color: '#d0d0d0' },
      { label: 'art. = article grade where it differs', color: '#111', shape: 'ring' },
    ],
    12,
    H - 48,
    W - 24,
  );
  const compared = cells.filter((r) => r.grade !== '' && articleGrade(r.vector, r.design) !== undefined).length;
  const bases = [...new Set(cells.filter((r) => r.adversary).map((r) => `${r.vector} from ${r.adversary}`))];
  const basis = bases.length
    ? ` Attack-based rows: ${bases.join('; ')}, best of the run's attacks (named in each cell).`
    : '';
  const nd = missing ? ` ${missing} cells not measured.` : '';
  const left = dropped ? ` ${dropped} attack names left out for room (in the tooltips).` : '';
  return `${differ} of ${compared} measured cells comparable with the article differ from its grade.${nd}${basis}${left}`;
};
