/**
 * `anonsim attack` and `anonsim merge` write a results folder as `run` does, so they take the
 * same folder lock and pre-flight (issue 18's rules): a folder another process holds is refused
 * (exit 2, the holder named) with nothing written and the lock untouched, and a finished command
 * leaves no lock behind.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeScenario } from '../cli/helpers.js';
import { anonsim } from './helpers.js';

const SCENARIO =
  'name: lock-commands\nduration: 4min\nreplicates: 2\nworkload:\n  users: 100\n  contacts: 4\n  rate: 1/5min\n' +
  'designs:\n  - design: signal\nadversaries:\n  - kind: single\nattacks: [identifier]\n';

/** A lock held by a live process on another host: never stale from here. */
const FOREIGN = { pid: 1, host: 'node-17.cluster', start: 1, since: '2026-01-01T00:00:00.000Z', command: 'x' };

let dir = '';
let file = '';
beforeAll(async () => {
  dir = tempDir();
  file = writeScenario(dir, SCENARIO);
  for (const args of [
    ['run', file, '-o', join(dir, 'logged'), '--log', '--quiet', '--workers', '1'],
    ['run', file, '-o', join(dir, 'shards'), '--shard', '0/2', '--quiet', '--workers', '1'],
    ['run', file, '-o', join(dir, 'shards'), '--shard', '1/2', '--quiet', '--workers', '1'],
  ]) {
    const r = await anonsim(args);
    expect(r.code, r.err).toBe(0);
  }
}, 120_000);

const commands: [string, (out: string) => string[]][] = [
  ['attack', (out) => ['attack', join(dir, 'logged'), '-o', out, '--quiet', '--workers', '1']],
  ['merge', (out) => ['merge', join(dir, 'shards'), '-o', out, '--quiet']],
];

describe.each(commands)('anonsim %s and the folder lock', (name, args) => {
  it('refuses a folder another process holds: exit 2, the holder named, nothing written', async () => {
    const out = join(dir, `${name}-busy`);
    mkdirSync(out);
    const lock = join(out, '.anonsim.lock');
    writeFileSync(lock, JSON.stringify(FOREIGN));
    const r = await anonsim(args(out));
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain(
      `-o: is in use by another run: pid 1 on node-17.cluster since ${FOREIGN.since} (lock ${lock})`,
    );
    expect(readdirSync(out)).toEqual(['.anonsim.lock']);
    expect(JSON.parse(readFileSync(lock, 'utf8')).host).toBe('node-17.cluster');
  });

  it('writes its results and leaves no lock behind', async () => {
    const out = join(dir, `${name}-free`);
    const r = await anonsim(args(out));
    expect(r.code, r.err).toBe(0);
    expect(existsSync(join(out, 'summary.csv'))).toBe(true);
    expect(existsSync(join(out, '.anonsim.lock'))).toBe(false);
  });
});
