/**
 * Chart c: the measured exposure matrix (exposure.csv): six vectors × designs, each cell coloured by
 * its grade A/P/X with the measured value, and the article's grade beside it where the two differ.
 */
import type { Render } from '../context.js';
import { articleDesign, articleGrade, VECTOR_LABELS, VECTORS } from '../data.js';
import { fmt, frame, type G, GRADE_COLORS, GRADE_MEANING, legend, note, shorten, tooltip } from '../ui.js';

export const renderExposure: Render = (svg, ctx) => {
  const { model } = ctx;
  const W = 600;
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
  const m = { top: 56, left: 236, right: 8, bottom: 52 };
  const cw = Math.min(110, (W - m.left - m.right) / designs.length);
  const ch = 40;
  const H = m.top + vectors.length * ch + m.bottom;
  frame(svg, W, H);
  const root = svg.append('g') as unknown as G;
  const g = root.append('g').attr('transform', `translate(${m.left},${m.top})`);

  designs.forEach((d, i) => {
    const t = g
      .append('text')
      .attr('class', 'col-label')
      .attr('x', i * cw + cw / 2)
      .attr('y', -22)
      .attr('text-anchor', 'middle')
      .attr('font-weight', 600)
      .text(shorten(d, Math.floor(cw / 6.5)));
    const art = articleDesign(d);
    g.append('text')
      .attr('class', 'small')
      .attr('x', i * cw + cw / 2)
      .attr('y', -8)
      .attr('text-anchor', 'middle')
      .text(art ? `article: ${art}` : 'not in article');
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

  let differ = 0;
  const cells = rows.filter((r) => designs.includes(r.design) && vectors.includes(r.vector));
  for (const r of cells) {
    const cx = designs.indexOf(r.design) * cw;
    const cy = vectors.indexOf(r.vector) * ch;
    const art = articleGrade(r.vector, r.design);
    const diff = art !== undefined && art !== r.grade;
    if (diff) differ++;
    const cg = g.append('g').attr('class', 'cell-g').attr('transform', `translate(${cx},${cy})`);
    const rect = cg
      .append('rect')
      .attr('class', 'cell')
      .classed('differs', diff)
      .attr('data-grade', r.grade)
      .attr('x', 2)
      .attr('y', 2)
      .attr('width', cw - 4)
      .attr('height', ch - 4)
      .attr('rx', 3)
      .attr('fill', GRADE_COLORS[r.grade] ?? '#9a9a9a');
    cg.append('text')
      .attr('class', 'cell-grade')
      .attr('x', 10)
      .attr('y', ch / 2)
      .attr('dy', '0.35em')
      .attr('pointer-events', 'none')
      .text(r.grade || '?');
    cg.append('text')
      .attr('class', 'cell-value')
      .attr('x', 28)
      .attr('y', ch / 2)
      .attr('dy', '0.35em')
      .attr('pointer-events', 'none')
      .text(fmt(r.value));
    if (diff) {
      cg.append('rect')
        .attr('class', 'article-badge')
        .attr('x', cw - 42)
        .attr('y', 6)
        .attr('width', 36)
        .attr('height', ch - 12)
        .attr('rx', 3)
        .attr('fill', '#fff')
        .attr('stroke', '#111')
        .attr('stroke-dasharray', '3 2')
        .attr('pointer-events', 'none');
      cg.append('text')
        .attr('class', 'article-grade')
        .attr('x', cw - 24)
        .attr('y', ch / 2)
        .attr('dy', '0.35em')
        .attr('text-anchor', 'middle')
        .attr('pointer-events', 'none')
        .text(`art. ${art}`);
    }
    tooltip(rect, () =>
      [
        `${r.design} — ${VECTOR_LABELS[r.vector] ?? r.vector}`,
        `measured value: ${fmt(r.value)} → grade ${r.grade} (${GRADE_MEANING[r.grade] ?? 'unknown grade'})`,
        art
          ? `article: ${art} (${GRADE_MEANING[art]})${diff ? ' — differs' : ' — agrees'}`
          : 'article: no grade for this design',
      ].join('\n'),
    );
  }
  legend(
    root,
    [
      ...['A', 'P', 'X'].map((k) => ({ label: `${k}: ${GRADE_MEANING[k]}`, color: GRADE_COLORS[k] })),
      { label: 'art. = article grade where it differs', color: '#111', shape: 'ring' },
    ],
    12,
    H - 34,
    W - 24,
  );
  const compared = cells.filter((r) => articleGrade(r.vector, r.design) !== undefined).length;
  return `${differ} of ${compared} cells comparable with the article differ from its grade.`;
};
