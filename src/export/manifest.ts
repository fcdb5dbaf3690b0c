/**
 * manifest.json: what produced a results folder. The anonsim version comes from package.json
 * and the git commit from .git (HEAD → ref file or packed-refs) read directly, without spawning
 * git; null when not in a checkout. Everything else is passed in by the writer.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { packageRoot } from './report.js';

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
