/**
 * `anonsim view <DIR> [--port N]`: serves the viewer for a results folder on loopback until
 * Ctrl-C, SIGTERM or SIGHUP, or until the process that started it goes away. `npx anonsim view`
 * runs us under `sh -c` under npm: when npm is killed, the shell dies with it but this server
 * would be re-parented and keep the port, so a change of parent process ends it too.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { serveResults } from '../export/serve.js';
import { type Problem, ScenarioError } from '../scenario/errors.js';
import { type Argv, parseIntArg } from './argv.js';
import type { Io } from './io.js';

/** Files whose presence makes a folder something the viewer can show (a run's or a comparison's). */
export const VIEWABLE = ['summary.csv', 'compare.csv'] as const;

/** How often the parent process is checked (ms). */
const PARENT_POLL_MS = 1000;

/** Why `dir` cannot be viewed (one problem), or undefined. */
export function viewProblem(dir: string, argv: Argv): Problem | undefined {
  const expected = 'a results folder written by anonsim run, merge or compare';
  if (!existsSync(dir)) return argv.problem(dir, 'does not exist', expected);
  if (!statSync(dir).isDirectory()) return argv.problem(dir, 'is not a folder', expected);
  if (!VIEWABLE.some((f) => existsSync(join(dir, f))))
    return argv.problem(dir, `has no results (no ${VIEWABLE.join(' or ')})`, expected);
  return undefined;
}

export async function viewCommand(dir: string, flags: { port?: string }, argv: Argv, io: Io): Promise<number> {
  const problems: Problem[] = [];
  const bad = viewProblem(dir, argv);
  if (bad) problems.push(bad);
  let port: number | undefined;
  if (flags.port !== undefined) {
    port = parseIntArg(flags.port);
    if (port === undefined || port > 65535) {
      problems.push(
        argv.problem('--port', `"${flags.port}" is not a port`, 'an integer in [0, 65535] (0: any free port)'),
      );
      port = undefined;
    }
  }
  if (problems.length > 0) throw new ScenarioError(problems);
  let server: Awaited<ReturnType<typeof serveResults>>;
  try {
    server = await serveResults(dir, port);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES')
      throw new ScenarioError([
        argv.problem('--port', `port ${port} cannot be used (${code})`, 'a free port, or --port 0 for any free port'),
      ]);
    throw e;
  }
  io.out(`${server.url}\n`);
  await new Promise<void>((done) => {
    const parent = process.ppid;
    const watch = setInterval(() => {
      if (process.ppid !== parent) stop();
    }, PARENT_POLL_MS);
    watch.unref();
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    function stop() {
      clearInterval(watch);
      for (const s of signals) process.off(s, stop);
      io.signal?.removeEventListener('abort', stop);
      done();
    }
    for (const s of signals) process.on(s, stop);
    io.signal?.addEventListener('abort', stop, { once: true });
    if (io.signal?.aborted) stop();
  });
  await server.close();
  return 0;
}
