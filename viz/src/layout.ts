/**
 * Overlap-free text: labels are placed at the first of their candidate positions whose measured
 * box (getBBox, in the chart's own viewBox units) meets no box already placed. Boxes are in
 * viewBox units, so a layout that is free of overlaps holds at every page width (the svg scales
 * as a whole). A label with no free position is removed: the caller says how many, and where the
 * same facts are (tooltip, table).
 */
import type { Selection } from 'd3';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Whether two boxes overlap by more than `slack` (units) in both directions. */
export function overlaps(a: Box, b: Box, slack = 0.5): boolean {
  return (
    a.x < b.x + b.width - slack &&
    b.x < a.x + a.width - slack &&
    a.y < b.y + b.height - slack &&
    b.y < a.y + a.height - slack
  );
}

/** A text's box in its parent group's coordinates (getBBox; an estimate when it is not laid out). */
export function textBox(el: SVGTextElement): Box {
  try {
    const b = el.getBBox();
    if (b.width > 0 || b.height > 0) return { x: b.x, y: b.y, width: b.width, height: b.height };
  } catch {
    // not rendered (e.g. tests without layout): estimate below
  }
  const size = Number.parseFloat(getComputedStyle(el).fontSize) || 10;
  const x = Number(el.getAttribute('x')) || 0;
  const y = Number(el.getAttribute('y')) || 0;
  const w = (el.textContent ?? '').length * size * 0.6;
  const anchor = el.getAttribute('text-anchor');
  const left = anchor === 'middle' ? x - w / 2 : anchor === 'end' ? x - w : x;
  return { x: left, y: y - size, width: w, height: size * 1.2 };
}

export interface Candidate {
  x: number;
  y: number;
  anchor?: 'start' | 'middle' | 'end';
}

/**
 * Places each text of `texts` (in order: earlier ones win) at its first candidate position that
 * meets none of `taken` (which grows with every placed label) and stays inside `bounds`; removes
 * the texts that fit nowhere and returns how many those were.
 */
export function placeTexts(
  texts: Selection<SVGTextElement, unknown, null, undefined>[],
  candidates: Candidate[][],
  taken: Box[],
  bounds: Box,
): number {
  let dropped = 0;
  texts.forEach((t, i) => {
    const el = t.node();
    if (!el) return;
    for (const c of candidates[i]) {
      t.attr('x', c.x)
        .attr('y', c.y)
        .attr('text-anchor', c.anchor ?? 'start');
      const b = textBox(el);
      const inside =
        b.x >= bounds.x &&
        b.y >= bounds.y &&
        b.x + b.width <= bounds.x + bounds.width &&
        b.y + b.height <= bounds.y + bounds.height;
      if (inside && !taken.some((o) => overlaps(o, b))) {
        taken.push(b);
        return;
      }
    }
    t.remove();
    dropped++;
  });
  return dropped;
}
