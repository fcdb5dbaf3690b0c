/**
 * The attack ↔ pipeline contract: each attack declares what it needs (`AttackModule.needs`), the
 * pipeline provides exactly that and never reads an attack's parameters itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { attackNeeds, NO_NEEDS } from '../../src/attacks/attack.js';
import { ATTACKS } from '../../src/attacks/registry.js';

const pipeline = fileURLToPath(new URL('../../src/pipeline', import.meta.url));

describe('attack contract', () => {
  it('timing declares an independent calibration run when its parameters ask', () => {
    const timing = ATTACKS.get('timing')!;
    expect(attackNeeds(timing, { calibration: 'same-run' })).toEqual(NO_NEEDS);
    expect(attackNeeds(timing, { calibration: 'independent-run' })).toEqual({ laws: 'independent-run' });
    expect(attackNeeds(ATTACKS.get('identifier')!, { calibration: 'independent-run' })).toEqual(NO_NEEDS);
  });

  it('no file of src/pipeline reads an attack parameter by name', () => {
    const names = [...new Set([...ATTACKS.values()].flatMap((a) => a.params.map((p) => p.name)))];
    expect(names).toContain('calibration');
    const reads = new RegExp(`(params|attackParams\\[[^\\]]+\\]\\??)\\.(${names.join('|')})\\b`);
    const found = readdirSync(pipeline)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) =>
        readFileSync(join(pipeline, f), 'utf8')
          .split('\n')
          .map((line, i) => `${f}:${i + 1}: ${line.trim()}`)
          .filter((l) => reads.test(l)),
      );
    expect(found).toEqual([]);
    expect(reads.test("if (params.calibration === 'independent-run')")).toBe(true);
  });
});
