/** docs/scenario.md is generated from the schema and registries; it must never drift from them. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ATTACKS } from '../../src/attacks/registry.js';
import { DESIGNS } from '../../src/designs/registry.js';
import { scenarioReference } from '../../src/scenario/reference.js';

describe('docs/scenario.md', () => {
  it('equals scenarioReference() (regenerate: npm run build && node dist/cli.js list --reference > docs/scenario.md)', () => {
    const onDisk = readFileSync(join(process.cwd(), 'docs/scenario.md'), 'utf8');
    expect(onDisk === scenarioReference(), 'docs/scenario.md is stale: run `npm run docs`').toBe(true);
  });

  it('documents every design parameter and attack parameter', () => {
    const ref = scenarioReference();
    for (const d of DESIGNS.values()) for (const p of d.params) expect(ref).toContain(`| \`${p.name}\` |`);
    for (const a of ATTACKS.values())
      for (const p of a.params) expect(ref).toContain(`| \`attackParams.${a.id}.${p.name}\` |`);
    expect(ref).toContain('| `workload.replyProbability` |');
  });
});
