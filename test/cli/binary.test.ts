/** The shipped binary (dist/cli.js, built by test/global-setup.ts) sets the same exit codes as main(). */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeScenario } from './helpers.js';

const CLI = join(process.cwd(), 'dist/cli.js');

function node(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000 });
}

describe('node dist/cli.js', () => {
  it('exits 0 for list and validate of a shipped scenario', () => {
    expect(node(['list']).status).toBe(0);
    const v = node(['validate', 'scenarios/default.yaml']);
    expect(v.status, v.stderr).toBe(0);
    expect(v.stdout).toContain('name: default');
  });

  it('exits 2 with problem lines for a bad scenario and an unknown flag, writing nothing', () => {
    const dir = tempDir();
    const file = writeScenario(dir, 'designs:\n  - design: signl\n');
    const r = node(['run', file, '-o', join(dir, 'out')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `${file}:2:5 designs.0.design: unknown design "signl"; expected one of signal | session | simplex | matrix | mixnet (did you mean signal?)\n`,
    );
    expect(r.stdout).toBe('');
    expect(existsSync(join(dir, 'out'))).toBe(false);
    const f = node(['validate', file, '--frobnicate']);
    expect(f.status).toBe(2);
    expect(f.stderr).toMatch(/^argv:1:3 --frobnicate: unknown option "--frobnicate"; expected /);
  });

  it('view stops when the process that started it dies (npx under sh, killed)', async () => {
    if (!existsSync(join(process.cwd(), 'dist/viewer/index.html'))) return;
    const dir = tempDir();
    writeFileSync(join(dir, 'summary.csv'), 'design,adversary,attack\n');
    // Like `npx anonsim view`: a shell between the launcher and node. Killing the shell re-parents
    // node; before the fix it kept serving forever.
    const sh = spawn('sh', ['-c', `"${process.execPath}" "${CLI}" view "${dir}" & echo $!; wait`], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    sh.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    for (let i = 0; i < 300 && !/http:\/\//.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    const pid = Number(out.split('\n')[0]);
    expect(pid).toBeGreaterThan(0);
    expect(out).toMatch(/http:\/\/127\.0\.0\.1:\d+\//);
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(alive()).toBe(true);
    sh.kill('SIGKILL');
    for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 50));
    const stillAlive = alive();
    if (stillAlive) process.kill(pid, 'SIGKILL');
    expect(stillAlive).toBe(false);
  });
});
