/**
 * Every source a user reads must be one they can open: a paper, a URL, a file in this repository,
 * or a file in a public repository listed (with its URL) in docs/designs.md "Public repositories".
 * Checked on the sources `anonsim list` prints, on docs/scenario.md and on docs/designs*.md:
 * every file name there must exist in this repository or come right after one of those
 * repositories' `owner/name`. Notes kept outside the repository must not be named anywhere users
 * read (src, docs, README, scenarios, the viewer's source).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listText } from '../../src/cli/list.js';
import { scenarioReference } from '../../src/scenario/reference.js';

const ROOT = process.cwd();
const TRACKED = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
const TRACKED_SET = new Set(TRACKED);
const TRACKED_NAMES = new Set(TRACKED.map((f) => basename(f)));

/** Names of notes that exist only outside the repository (no user can open them). */
const PRIVATE = [/protocol-models/i, /attacks-and-validation/i, /\bCONTRACT\b/, /ARCHITECTURE\.md/, /toolchain\.md/];

/** Files a run writes: every .csv or .json file name docs/cli.md documents. */
const RUN_OUTPUTS = new Set(readFileSync(join(ROOT, 'docs/cli.md'), 'utf8').match(/\b[\w-]+\.(?:csv|json)\b/g) ?? []);

const FILE =
  /(?:[\w@.+-]+\/)*[\w@+-][\w.@+-]*\.(?:md|ts|tsx|js|mjs|java|kt|hs|py|cpp|hpp|h|rs|go|swift|yaml|yml|json|proto|csv)\b/g;

/** `owner/name` of every public repository docs/designs.md lists with its URL. */
function publicRepos(): Set<string> {
  const text = readFileSync(join(ROOT, 'docs/designs.md'), 'utf8');
  const out = new Set<string>();
  for (const m of text.matchAll(/\|\s*`([\w.-]+\/[\w.-]+)`\s*\|\s*(https:\/\/github\.com\/[\w.-]+\/[\w.-]+)\s*\|/g)) {
    expect(m[2]).toBe(`https://github.com/${m[1]}`);
    out.add(m[1]);
  }
  return out;
}

/** Problems with the file names in `text` (read from `where`, a path relative to the root, for relative links). */
function unopenable(text: string, where: string, repos: Set<string>): string[] {
  // URLs (also markdown link targets) open as they are.
  const plain = text
    .replace(/\]\([^)]*\)/g, ']')
    .replace(/https?:\/\/[^\s)>\]|`'"]+/g, ' ')
    .replace(/\s+/g, ' ');
  const out: string[] = [];
  for (const m of plain.matchAll(FILE)) {
    const file = m[0];
    const at = m.index ?? 0;
    if (TRACKED_SET.has(file) || TRACKED_SET.has(relative(ROOT, join(ROOT, dirname(where), file)))) continue;
    if (!file.includes('/') && (TRACKED_NAMES.has(file) || RUN_OUTPUTS.has(file))) continue;
    if (file.startsWith('dist/')) continue; // built from this repository by npm run build
    const before = plain
      .slice(Math.max(0, at - 80), at)
      .replace(/[\s`:[(]+$/, '')
      .split(/[\s`([]/)
      .pop();
    if (before && repos.has(before)) continue;
    out.push(`${where}: "${plain.slice(Math.max(0, at - 60), at + file.length)}" names ${file}`);
  }
  return out;
}

function walk(dir: string, exts: RegExp): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p, exts));
    else if (exts.test(e.name)) out.push(p);
  }
  return out;
}

describe('sources users can open', () => {
  const repos = publicRepos();

  it('docs/designs.md lists the public repositories the sources name', () => {
    expect(repos.size).toBeGreaterThan(10);
    expect(repos.has('signalapp/Signal-Server')).toBe(true);
  });

  it('every file named in `anonsim list`, docs/scenario.md and docs/designs*.md is in this repository or a listed public one', () => {
    const problems = [
      ...unopenable(listText(), 'anonsim list', repos),
      ...unopenable(scenarioReference(), 'docs/scenario.md', repos),
      ...['docs/designs.md', ...walk('docs/designs', /\.md$/)].flatMap((f) =>
        unopenable(readFileSync(join(ROOT, f), 'utf8'), f, repos),
      ),
    ];
    expect(problems).toEqual([]);
  });

  it('the check rejects notes users cannot open and files without their repository', () => {
    expect(unopenable('see protocol-models.md §1.2', 'x', repos)).toHaveLength(1);
    expect(unopenable('attacks-and-validation.md V7', 'x', repos)).toHaveLength(1);
    expect(unopenable('swarmPolling.ts RETRIEVE_SNODES_COUNT', 'x', repos)).toHaveLength(1);
    expect(unopenable('session-foundation/session-desktop ts/session/constants.ts', 'x', repos)).toEqual([]);
    expect(unopenable('docs/designs/signal.md and https://x.org/a/b.java', 'x', repos)).toEqual([]);
  });

  it('no user-facing text names notes kept outside the repository', () => {
    const files = [
      'README.md',
      ...walk('src', /\.ts$/),
      ...walk('docs', /\.(md|yaml|sbatch)$/),
      ...walk('scenarios', /\.yaml$/),
      ...walk('viz/src', /\.(ts|css|html)$/),
    ];
    const hits: string[] = [];
    for (const f of files) {
      const text = readFileSync(join(ROOT, f), 'utf8');
      for (const re of PRIVATE) if (re.test(text)) hits.push(`${f}: ${re}`);
    }
    expect(hits).toEqual([]);
  });
});
