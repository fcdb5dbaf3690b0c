/** CITATION.cff: valid YAML with the Citation File Format's required keys, and the package's version. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

describe('CITATION.cff', () => {
  it('names the software, its version (package.json) and how to cite it', () => {
    const root = join(import.meta.dirname, '../..');
    const cff = parse(readFileSync(join(root, 'CITATION.cff'), 'utf8')) as Record<string, unknown>;
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    // Required by CFF 1.2.0: cff-version, message, title, authors.
    expect(cff['cff-version']).toBe('1.2.0');
    expect(typeof cff.message).toBe('string');
    expect(String(cff.title)).toMatch(/^anonsim/);
    expect(Array.isArray(cff.authors) && cff.authors.length > 0).toBe(true);
    expect(cff.version).toBe(pkg.version);
    expect(cff.message).toMatch(/manifest\.json/);
  });
});
