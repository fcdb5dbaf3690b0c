// Simulation code must not read ambient randomness or the wall clock (results depend only on the seed).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const src = join(root, 'src');

const BANNED = /Math\.random|Date\.now\(|new Date\(\)|performance\.now/;
const ALLOW = '// wall-clock ok';

/** Every .ts under dir, as paths relative to the repository root with '/' separators. */
function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(p));
    else if (e.name.endsWith('.ts')) out.push(relative(root, p).split(sep).join('/'));
  }
  return out;
}

/** Files exempt by rule: the CLI and the progress/manifest writers may read the clock. */
const exempt = (file: string) => file.startsWith('src/cli/') || file.includes('progress') || file.includes('manifest');

function violations(file: string, text: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (BANNED.test(line) && !line.includes(ALLOW)) out.push(`${file}:${i + 1}: ${line.trim()}`);
  });
  return out;
}

describe('no ambient randomness or wall clock in src/', () => {
  it('the pattern catches each banned call and honours the allow comment', () => {
    const sample = [
      'const a = Math.random();',
      'const t = Date.now();',
      'const d = new Date();',
      'const p = performance.now();',
      'const ok = Date.now(); // wall-clock ok',
      'const fine = new Date(0);',
    ].join('\n');
    expect(violations('x.ts', sample)).toEqual([
      'x.ts:1: const a = Math.random();',
      'x.ts:2: const t = Date.now();',
      'x.ts:3: const d = new Date();',
      'x.ts:4: const p = performance.now();',
    ]);
  });

  it('no .ts file under src/ (outside cli, progress, manifest) uses Math.random, Date.now, new Date() or performance.now', () => {
    const files = tsFiles(src).filter((f) => !exempt(f));
    expect(files.length).toBeGreaterThan(5);
    expect(files).toContain('src/core/sim.ts');
    const found = files.flatMap((f) => violations(f, readFileSync(join(root, f), 'utf8')));
    expect(found, `ambient randomness or wall clock:\n${found.join('\n')}`).toEqual([]);
  });
});
