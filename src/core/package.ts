/**
 * The anonsim package itself: its folder, version (package.json) and the git commit checked out
 * (read from .git directly — HEAD → ref file or packed-refs — without spawning git; null when not
 * in a checkout). manifest.json, the log index and the CLI record them; the worker pool finds
 * dist/workers/ from the folder. Here, at the bottom of the layers, so every folder may read them.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The anonsim package folder: walks up from this module to the package.json named anonsim. Works
 * from src/core/package.ts (tests, tsx) and from every bundle it is part of (dist/cli.js,
 * dist/workers/*.js), whatever folder depth they sit at.
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'anonsim') return dir;
      } catch {
        // unreadable package.json: keep walking
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the anonsim package folder (package.json named "anonsim")');
    dir = up;
  }
}

export function anonsimVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The commit checked out in the git work tree at or above `start`, or null. */
export function gitCommit(start?: string): string | null {
  try {
    let dir = start ?? packageRoot();
    let gitDir: string | null = null;
    for (;;) {
      const g = join(dir, '.git');
      if (existsSync(g)) {
        if (statSync(g).isDirectory()) gitDir = g;
        else {
          // Worktrees and submodules: ".git" is a file "gitdir: <path>".
          const m = /^gitdir:\s*(.+)\s*$/m.exec(readFileSync(g, 'utf8'));
          if (m) gitDir = isAbsolute(m[1]) ? m[1] : resolve(dir, m[1]);
        }
        break;
      }
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    if (!gitDir) return null;
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    if (/^[0-9a-f]{40,64}$/.test(head)) return head;
    const ref = /^ref:\s*(.+)$/.exec(head)?.[1];
    if (!ref) return null;
    // A linked worktree keeps refs in the common dir.
    const common = existsSync(join(gitDir, 'commondir'))
      ? resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim())
      : gitDir;
    for (const base of [gitDir, common]) {
      const f = join(base, ref);
      if (existsSync(f)) {
        const sha = readFileSync(f, 'utf8').trim();
        if (/^[0-9a-f]{40,64}$/.test(sha)) return sha;
      }
    }
    const packed = join(common, 'packed-refs');
    if (existsSync(packed)) {
      for (const line of readFileSync(packed, 'utf8').split('\n')) {
        const [sha, name] = line.trim().split(/\s+/);
        if (name === ref && /^[0-9a-f]{40,64}$/.test(sha)) return sha;
      }
    }
    return null;
  } catch {
    return null;
  }
}
