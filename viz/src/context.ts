/** What every chart receives: the parsed model, the current selection and the design colours. */
import type { AggRow, Model } from './data.js';
import type { Svg } from './ui.js';

export interface State {
  design: string;
  adversary: string;
  attack: string;
  metric: string;
  /** Swept key on the x axis of the sweep chart. */
  sweepKey: string;
  /** Index into model.cells for the charts that show one sweep cell. */
  cell: number;
  /** Index into model.timelines. */
  message: number;
  /** Index into the comparison's pairs (charts/compare.ts). */
  pair: number;
}

export interface Ctx {
  model: Model;
  state: State;
  color: (design: string) => string;
  /** Changes the selection (updates the controls and redraws). */
  select: (patch: Partial<State>) => void;
}

/** A chart draws into its svg and returns a one-line note about what is shown (or why nothing is). */
export type Render = (svg: Svg, ctx: Ctx) => string;

export interface ChartSpec {
  id: string;
  title: string;
  caption: string;
  wide?: boolean;
  render: Render;
}

/** Aggregate rows of the selected sweep cell. */
export function cellRows(ctx: Ctx): AggRow[] {
  return ctx.model.aggregate.filter((r) => r.cell === ctx.state.cell);
}

export function cellLabel(ctx: Ctx): string {
  const c = ctx.model.cells[ctx.state.cell];
  return ctx.model.sweepKeys.length > 0 && c ? ` (${c.label})` : '';
}
