/**
 * Shared drawing helpers: the colour-blind-safe palette, chart frames, legends, the tooltip and
 * figure export (SVG markup, PNG rasterisation, download). Data strings only ever reach the DOM
 * through d3 `.text()` or `.attr()`, never as markup.
 */
import { type BaseType, type Selection, select } from 'd3';

export type Svg = Selection<SVGSVGElement, unknown, null, undefined>;
export type G = Selection<SVGGElement, unknown, null, undefined>;

/** Okabe–Ito (2008), ordered so that the first colours contrast best on white. */
export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#000000', '#F0E442'];

export const GRADE_COLORS: Record<string, string> = { A: '#009E73', P: '#E69F00', X: '#D55E00' };
export const GRADE_MEANING: Record<string, string> = {
  A: 'protected by design',
  P: 'partially exposed',
  X: 'visible to network or server',
};

/** Styles embedded in every chart, so exported SVG files look the same as on the page. */
const SVG_CSS = `
svg text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; fill: #222; }
svg .axis path, svg .axis line { stroke: #8a8a8a; }
svg .axis text { fill: #333; }
svg .axis-label { font-size: 11px; fill: #333; }
svg .panel-title { font-size: 12px; font-weight: 600; }
svg .gridlines line { stroke: #ececec; }
svg .gridlines path { stroke: none; }
svg .note { fill: #555; font-style: italic; font-size: 12px; }
svg .small { font-size: 9.5px; fill: #444; }
svg .cell-grade { font-size: 15px; font-weight: 700; fill: #fff; }
svg .cell-value { font-size: 10px; fill: #fff; }
svg .article-grade { font-size: 9.5px; fill: #111; font-weight: 600; }
svg .cell-basis { font-size: 9px; fill: #fff; }
svg .cell-input { font-size: 9px; fill: #fff; font-style: italic; }
svg rect.cell.input { stroke: #111; stroke-width: 1.5; stroke-dasharray: 4 3; }
svg .no-data-label { font-size: 10px; fill: #555; font-style: italic; }
svg .lane-label { font-size: 10.5px; }
svg .hop-label { font-size: 9px; fill: #333; }
`;

export function shorten(s: string, max = 28): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Clears an svg and sets it up as a chart of the given viewBox size. */
export function frame(svg: Svg, width: number, height: number): Svg {
  svg.selectAll('*').remove();
  svg
    .attr('viewBox', `0 0 ${width} ${height}`)
    .attr('preserveAspectRatio', 'xMidYMid meet')
    .attr('data-width', width)
    .attr('data-height', height)
    .classed('empty', false);
  svg.append('style').text(SVG_CSS);
  svg.append('rect').attr('class', 'bg').attr('width', width).attr('height', height).attr('fill', '#fff');
  return svg;
}

/** Replaces a chart by an explanatory note (no data for it in this run). */
export function note(svg: Svg, width: number, lines: string[], height = 120): void {
  frame(svg, width, height);
  svg.classed('empty', true);
  const t = svg
    .append('text')
    .attr('class', 'note')
    .attr('x', width / 2)
    .attr('y', height / 2 - ((lines.length - 1) * 16) / 2)
    .attr('text-anchor', 'middle');
  lines.forEach((line, i) => {
    t.append('tspan')
      .attr('x', width / 2)
      .attr('dy', i === 0 ? 0 : 16)
      .text(line);
  });
}

export function axisLabel(g: G, text: string, x: number, y: number, rotate = false): void {
  const t = g.append('text').attr('class', 'axis-label').attr('text-anchor', 'middle').text(text);
  if (rotate) t.attr('transform', `translate(${x},${y}) rotate(-90)`);
  else t.attr('x', x).attr('y', y);
}

export interface LegendItem {
  label: string;
  color: string;
  /** 'rect' (default), 'line', 'dash', 'ring' or 'circle'. */
  shape?: string;
}

/** A horizontal legend that wraps at `maxWidth`; returns its height. */
export function legend(g: G, items: LegendItem[], x: number, y: number, maxWidth: number): number {
  const root = g.append('g').attr('class', 'legend').attr('transform', `translate(${x},${y})`);
  let cx = 0;
  let cy = 0;
  for (const it of items) {
    const item = root.append('g').attr('class', 'legend-item');
    const shape = it.shape ?? 'rect';
    if (shape === 'line' || shape === 'dash') {
      item
        .append('line')
        .attr('x1', 0)
        .attr('x2', 14)
        .attr('y1', 0)
        .attr('y2', 0)
        .attr('stroke', it.color)
        .attr('stroke-width', 2.5)
        .attr('stroke-dasharray', shape === 'dash' ? '4 3' : null);
    } else if (shape === 'ring' || shape === 'circle') {
      item
        .append('circle')
        .attr('cx', 7)
        .attr('cy', 0)
        .attr('r', 4.5)
        .attr('fill', shape === 'ring' ? 'none' : it.color)
        .attr('stroke', it.color)
        .attr('stroke-width', 2);
    } else {
      item.append('rect').attr('x', 0).attr('y', -6).attr('width', 14).attr('height', 12).attr('fill', it.color);
    }
    const text = item.append('text').attr('x', 19).attr('dy', '0.35em').text(it.label);
    const node = text.node();
    let w = it.label.length * 6.2;
    try {
      if (node && node.getComputedTextLength() > 0) w = node.getComputedTextLength();
    } catch {
      // not laid out yet: keep the estimate
    }
    const width = 19 + w + 16;
    if (cx > 0 && cx + width > maxWidth) {
      cx = 0;
      cy += 17;
    }
    item.attr('transform', `translate(${cx},${cy})`);
    cx += width;
  }
  return cy + 17;
}

let tipDiv: Selection<HTMLDivElement, unknown, HTMLElement, unknown> | null = null;

function tip(): Selection<HTMLDivElement, unknown, HTMLElement, unknown> {
  if (!tipDiv) tipDiv = select('body').append('div').attr('id', 'tooltip').attr('role', 'tooltip');
  return tipDiv;
}

/** Shows `text(d)` (plain text, newlines kept) next to the pointer while it is over an element. */
// biome-ignore lint/suspicious/noExplicitAny: d3 selections of any element/parent type
export function tooltip<E extends BaseType, D>(sel: Selection<E, D, any, any>, text: (d: D) => string): void {
  sel
    .on('pointerenter pointermove', (ev: unknown, d: D) => {
      const event = ev as PointerEvent;
      const t = tip();
      t.style('display', 'block').text(text(d));
      const box = t.node()!.getBoundingClientRect();
      let left = event.clientX + 14;
      let top = event.clientY + 14;
      if (left + box.width > window.innerWidth - 4) left = Math.max(4, event.clientX - box.width - 14);
      if (top + box.height > window.innerHeight - 4) top = Math.max(4, event.clientY - box.height - 14);
      t.style('left', `${left}px`).style('top', `${top}px`);
    })
    .on('pointerleave', () => {
      tip().style('display', 'none');
    });
}

export function hideTooltip(): void {
  tipDiv?.style('display', 'none');
}

/** Wraps text into lines of at most `max` characters at spaces. */
export function wrap(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** Standalone SVG markup of a chart, with its title on top and its caption underneath. */
export function svgMarkup(svgEl: SVGSVGElement, title: string, caption: string): string {
  const w = Number(svgEl.getAttribute('data-width')) || 600;
  const h = Number(svgEl.getAttribute('data-height')) || 300;
  const clone = svgEl.cloneNode(true) as SVGSVGElement;
  const lines = wrap(caption, Math.floor(w / 6));
  const titleLines = wrap(title, Math.floor(w / 8.6));
  const top = 8 + titleLines.length * 18;
  const bottom = 10 + lines.length * 14;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('version', '1.1');
  clone.setAttribute('viewBox', `0 ${-top} ${w} ${h + top + bottom}`);
  clone.setAttribute('width', String(w));
  clone.setAttribute('height', String(h + top + bottom));
  clone.removeAttribute('style');
  clone.removeAttribute('class');
  const ns = 'http://www.w3.org/2000/svg';
  const bg = document.createElementNS(ns, 'rect');
  bg.setAttribute('x', '0');
  bg.setAttribute('y', String(-top));
  bg.setAttribute('width', String(w));
  bg.setAttribute('height', String(h + top + bottom));
  bg.setAttribute('fill', '#fff');
  const style = clone.querySelector('style');
  clone.insertBefore(bg, style ? style.nextSibling : clone.firstChild);
  titleLines.forEach((line, i) => {
    const t = document.createElementNS(ns, 'text');
    t.setAttribute('x', '8');
    t.setAttribute('y', String(-top + 17 + i * 18));
    t.setAttribute('style', 'font-size:14px;font-weight:600');
    t.textContent = line;
    clone.appendChild(t);
  });
  lines.forEach((line, i) => {
    const c = document.createElementNS(ns, 'text');
    c.setAttribute('x', '8');
    c.setAttribute('y', String(h + 14 + i * 14));
    c.setAttribute('style', 'font-size:10.5px;fill:#444');
    c.textContent = line;
    clone.appendChild(c);
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}\n`;
}

/** Rasterises SVG markup to a PNG blob at `scale` × its size. */
export function pngBlob(markup: string, scale = 2): Promise<Blob> {
  return new Promise((resolve, reject) => {
    const doc = new DOMParser().parseFromString(markup, 'image/svg+xml');
    const root = doc.documentElement;
    const w = Number(root.getAttribute('width')) || 600;
    const h = Number(root.getAttribute('height')) || 300;
    const img = new Image();
    img.onload = () => {
      const canvas = document.createElement('canvas');
      canvas.width = Math.round(w * scale);
      canvas.height = Math.round(h * scale);
      const ctx = canvas.getContext('2d');
      if (!ctx) return reject(new Error('no 2d canvas'));
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png');
    };
    img.onerror = () => reject(new Error('SVG could not be rasterised'));
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(markup)}`;
  });
}

export function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function fmt(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return 'n/a';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2);
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(digits)));
}

export function interval(mean: number, lo: number, hi: number): string {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return fmt(mean);
  return `${fmt(mean)} [${fmt(lo)}, ${fmt(hi)}]`;
}
