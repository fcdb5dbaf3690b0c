/**
 * Fixed text for numbers in every CSV, so output is byte-stable across runs and platforms:
 * integers exactly; other values to 6 significant digits in plain decimal notation (never an
 * exponent: 1.5e-7 → 0.00000015); trailing zeros dropped; −0 → 0; NaN → empty cell;
 * ±Infinity → inf / -inf. Booleans are true/false; null is an empty cell.
 */

export function fmtNum(x: number): string {
  if (Number.isNaN(x)) return '';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  if (x === 0) return '0';
  if (Number.isSafeInteger(x)) return String(x);
  const r = Number(x.toPrecision(6));
  if (r === 0) return '0';
  const a = Math.abs(r);
  if (a >= 1e21) return BigInt(r).toString();
  // toFixed never uses an exponent below 1e21; decimals chosen so 6 significant digits survive.
  const decimals = Math.min(100, Math.max(0, 5 - Math.floor(Math.log10(a))));
  let s = r.toFixed(decimals);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

/** One CSV cell from a row value. */
export function cell(v: number | string | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return fmtNum(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return v;
}
