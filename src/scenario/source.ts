/**
 * Scenario text → raw value + key positions. Parsing is kept apart from validation: this
 * module only turns bytes into a plain value and remembers where each key is written.
 *
 * Safety: files larger than LIMITS.fileBytes are refused before they are read; YAML aliases
 * (`*name`) are refused outright (not just capped), since a scenario never needs them and
 * nested aliases are the "billion laughs" blow-up; multiple documents and unknown tags are
 * errors, not silently dropped.
 */
import { readFileSync, statSync } from 'node:fs';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { type Positions, type Problem, ScenarioError } from './errors.js';
import { joinPath } from './paths.js';
import { LIMITS } from './schema.js';

export interface Source {
  raw: unknown;
  positions: Positions;
  format: 'yaml' | 'json';
}

function firstLine(msg: string): string {
  return msg
    .split('\n')[0]
    .replace(/\s+at line \d+, column \d+:?\s*$/, '')
    .trim();
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  if (key === null || key === undefined) return '';
  return String(key);
}

/** Records the position of every map key and list item under `path`; reports aliases. */
function walk(node: unknown, path: string, lc: LineCounter, positions: Positions, problems: Problem[], file: string) {
  const at = (n: unknown) => {
    const off = (n as Node | null)?.range?.[0];
    return off === undefined ? { line: 1, col: 1 } : lc.linePos(off);
  };
  if (isAlias(node)) {
    // One line for the first alias (a bomb has thousands); the count says how many there are.
    const first = problems.find((p) => p.message.startsWith('YAML alias'));
    if (first) {
      const n = Number(/\((\d+) aliases/.exec(first.message)?.[1] ?? 1) + 1;
      first.message = `${first.message.replace(/ \(\d+ aliases in the file\)$/, '')} (${n} aliases in the file)`;
      return;
    }
    const { line, col } = at(node);
    problems.push({
      file,
      line,
      col,
      path: path || '(root)',
      message: `YAML alias *${node.source} is not allowed`,
      expected: 'the value written out (aliases are refused: nested aliases can expand into huge documents)',
    });
    return;
  }
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const kp = joinPath(path, keyText(pair.key));
      if (isAlias(pair.key)) walk(pair.key, kp, lc, positions, problems, file);
      positions.set(kp, at(pair.key));
      walk(pair.value, kp, lc, positions, problems, file);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const kp = joinPath(path, i);
      positions.set(kp, at(item));
      walk(item, kp, lc, positions, problems, file);
    });
  }
}

function parseYaml(
  text: string,
  file: string,
  json: boolean,
): { raw: unknown; positions: Positions; problems: Problem[] } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: true });
  const problems: Problem[] = [];
  const positions: Positions = new Map();
  const yamlProblem = (e: {
    message: string;
    code: string;
    linePos?: [{ line: number; col: number }, ...unknown[]];
  }) => {
    const p = e.linePos?.[0] ?? { line: 1, col: 1 };
    const dup = e.code === 'DUPLICATE_KEY';
    problems.push({
      file,
      line: p.line,
      col: p.col,
      path: '(file)',
      message: dup ? 'a key is written twice in the same mapping' : firstLine(e.message),
      expected: dup ? 'each key once' : json ? 'valid JSON' : 'valid YAML',
    });
  };
  for (const e of doc.errors) if (!json || e.code === 'DUPLICATE_KEY') yamlProblem(e);
  if (!json) for (const w of doc.warnings) yamlProblem(w);
  if (json && doc.errors.length > 0) return { raw: undefined, positions, problems };
  if (doc.contents) positions.set('(root)', lc.linePos(doc.contents.range?.[0] ?? 0));
  walk(doc.contents, '', lc, positions, problems, file);
  if (problems.length > 0 || json) return { raw: undefined, positions, problems };
  return { raw: doc.toJS({ maxAliasCount: 0 }), positions, problems };
}

/** Byte offset → 1-based line and column (for JSON.parse's "at position N"). */
function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, col: offset - last };
}

/** Parses scenario text; JSON when `format` says so, else YAML. Throws ScenarioError. */
export function parseScenarioText(text: string, file: string, format: 'yaml' | 'json' = 'yaml'): Source {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (format === 'json') {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const m = /at position (\d+)/.exec(msg);
      const { line, col } = m ? lineCol(text, Number(m[1])) : { line: 1, col: 1 };
      throw new ScenarioError([
        {
          file,
          line,
          col,
          path: '(file)',
          message: msg.replace(/\s*in JSON at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)$/, ''),
          expected: 'valid JSON',
        },
      ]);
    }
    // Positions come from reading the same text as YAML (JSON is YAML 1.2); when that fails
    // for some JSON-only quirk, problems fall back to 1:1.
    const y = parseYaml(text, file, true);
    if (y.problems.length > 0) throw new ScenarioError(y.problems);
    return { raw, positions: y.positions, format };
  }
  const y = parseYaml(text, file, false);
  if (y.problems.length > 0) throw new ScenarioError(y.problems);
  return { raw: y.raw, positions: y.positions, format };
}

function fileProblem(file: string, message: string, expected: string): ScenarioError {
  return new ScenarioError([{ file, line: 1, col: 1, path: '(file)', message, expected }]);
}

/** Reads and parses a scenario file (size-checked before reading). Throws ScenarioError. */
export function readScenarioFile(file: string): Source {
  const expected = 'a readable YAML (.yaml, .yml) or JSON (.json) scenario file';
  let size: number;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw fileProblem(file, 'is a directory', expected);
    if (!st.isFile()) throw fileProblem(file, 'is not a regular file', expected);
    size = st.size;
  } catch (e) {
    if (e instanceof ScenarioError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw fileProblem(file, code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(e)})`, expected);
  }
  if (size > LIMITS.fileBytes)
    throw fileProblem(
      file,
      `is ${(size / 1024 / 1024).toFixed(1)} MB`,
      `a scenario file of at most ${LIMITS.fileBytes / 1024 / 1024} MB`,
    );
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw fileProblem(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, expected);
  }
  if (buf.includes(0)) throw fileProblem(file, 'is not a text file (it contains NUL bytes)', expected);
  const text = buf.toString('utf8');
  return parseScenarioText(text, file, /\.json$/i.test(file) ? 'json' : 'yaml');
}
